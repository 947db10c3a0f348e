using System.Globalization;
using System.Text;

namespace MagentoOAuth.AspNetCore.Lifecycle;

/// <summary>
/// Text that comes from a store (its code, locale, currency, the messages it answers with) is untrusted: a hostile
/// store can answer megabytes, or terminal escape sequences for the operator who runs <c>stores list</c>. Every such
/// value is stored through here: control and bidirectional-override characters become spaces, and the length is capped.
/// </summary>
internal static class StoreText
{
    public const int MaxReason = 500;
    public const int MaxName = 100;
    public const int MaxCode = 32;

    public static string? Clean(string? text, int max)
    {
        if (text is null)
        {
            return null;
        }

        bool clean = text.Length <= max;
        for (int i = 0; clean && i < text.Length; i++)
        {
            clean = !IsUnsafe(text[i]) && !IsLoneSurrogate(text, i);
        }

        if (clean)
        {
            return text;
        }

        var result = new StringBuilder(Math.Min(text.Length, max));
        for (int i = 0; i < text.Length; i++)
        {
            bool pair = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            // Cut before a pair that would not fit whole: half of one is not text (PostgreSQL refuses to store it).
            if (text.Length > max && result.Length + (pair ? 2 : 1) > max - 1)
            {
                result.Append('…');
                break;
            }

            if (pair)
            {
                result.Append(text[i]).Append(text[i + 1]);
                i++;
            }
            else
            {
                result.Append(IsUnsafe(text[i]) || char.IsSurrogate(text[i]) ? ' ' : text[i]);
            }
        }

        return result.ToString();
    }

    private static bool IsLoneSurrogate(string text, int i) =>
        char.IsHighSurrogate(text[i]) ? i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])
        : char.IsLowSurrogate(text[i]) && (i == 0 || !char.IsHighSurrogate(text[i - 1]));

    /// <summary>C0 and C1 controls, DEL, and the characters that reorder text on screen (Trojan Source).</summary>
    public static bool IsUnsafe(char c) =>
        char.GetUnicodeCategory(c) == UnicodeCategory.Control
        || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}
