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
        foreach (char c in text)
        {
            if (!clean || IsUnsafe(c))
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return text;
        }

        var result = new StringBuilder(Math.Min(text.Length, max));
        foreach (char c in text)
        {
            if (result.Length >= max - 1 && text.Length > max)
            {
                result.Append('…');
                break;
            }

            result.Append(IsUnsafe(c) ? ' ' : c);
        }

        return result.ToString();
    }

    /// <summary>C0 and C1 controls, DEL, and the characters that reorder text on screen (Trojan Source).</summary>
    public static bool IsUnsafe(char c) =>
        char.GetUnicodeCategory(c) == UnicodeCategory.Control
        || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}
