using System.Globalization;
using System.Text;

namespace MagentoOAuth.Cli.Commands;

/// <summary>
/// Text a store supplied, made safe to print on an operator's terminal: control characters (escape sequences start
/// with one) and bidirectional overrides are shown as <c>\u…</c>, so they are visible and never interpreted. Rows
/// stored before values were cleaned at the source are covered too.
/// </summary>
internal static class TerminalText
{
    public static string Safe(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(IsUnsafe))
        {
            return text ?? string.Empty;
        }

        var safe = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            if (IsUnsafe(c))
            {
                safe.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                safe.Append(c);
            }
        }

        return safe.ToString();
    }

    private static bool IsUnsafe(char c) =>
        char.GetUnicodeCategory(c) == UnicodeCategory.Control
        || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}
