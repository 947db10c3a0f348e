using System.Globalization;
using System.Text;

namespace MagentoOAuth.Sandbox.Oauth;

/// <summary>
/// The few PHP string functions Magento's OAuth code is built on, with PHP's semantics. PHP strings are byte strings;
/// here a byte string is a .NET string of Latin-1 characters (one char per byte), so nothing is lost or re-encoded.
/// Written from PHP's documented behaviour, independently of the MagentoOAuth client: the two must not share a bug.
/// </summary>
internal static class Php
{
    public static readonly Encoding Bytes = Encoding.Latin1;

    /// <summary>UTF-8 text as a PHP byte string.</summary>
    public static string FromUtf8(string text) => Bytes.GetString(Encoding.UTF8.GetBytes(text));

    /// <summary>A PHP byte string read back as UTF-8 text (invalid sequences become U+FFFD).</summary>
    public static string ToUtf8(string bytes) => Encoding.UTF8.GetString(Bytes.GetBytes(bytes));

    /// <summary><c>rawurlencode</c>: every byte but <c>A-Z a-z 0-9 - _ . ~</c> as <c>%XX</c>, upper-case hex.</summary>
    public static string RawUrlEncode(string bytes)
    {
        var result = new StringBuilder(bytes.Length * 3);
        foreach (char c in bytes)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                result.Append(c);
            }
            else
            {
                result.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return result.ToString();
    }

    /// <summary><c>rawurldecode</c>: <c>%XX</c> with two hex digits becomes that byte; everything else stays, '+' too.</summary>
    public static string RawUrlDecode(string text) => Decode(text, plusIsSpace: false);

    /// <summary><c>urldecode</c>: as <see cref="RawUrlDecode"/>, and '+' becomes a space.</summary>
    public static string UrlDecode(string text) => Decode(text, plusIsSpace: true);

    /// <summary><c>strnatcmp</c> (natural order: digit runs compare by value).</summary>
    public static int StrNatCmp(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return a.Length == b.Length ? 0 : a.Length > b.Length ? 1 : -1;
        }

        int ai = 0, bi = 0;
        bool leading = true;
        while (true)
        {
            if (leading)
            {
                while (a[ai] == '0' && ai + 1 < a.Length && char.IsAsciiDigit(a[ai + 1])) { ai++; }
                while (b[bi] == '0' && bi + 1 < b.Length && char.IsAsciiDigit(b[bi + 1])) { bi++; }
                leading = false;
            }

            while (ai < a.Length && char.IsWhiteSpace(a[ai])) { ai++; }
            while (bi < b.Length && char.IsWhiteSpace(b[bi])) { bi++; }
            char ca = ai < a.Length ? a[ai] : '\0';
            char cb = bi < b.Length ? b[bi] : '\0';

            if (char.IsAsciiDigit(ca) && char.IsAsciiDigit(cb))
            {
                int result = ca == '0' || cb == '0' ? CompareLeft(a, ref ai, b, ref bi) : CompareRight(a, ref ai, b, ref bi);
                if (result != 0)
                {
                    return result;
                }

                if (ai == a.Length && bi == b.Length) { return 0; }
                if (ai == a.Length) { return -1; }
                if (bi == b.Length) { return 1; }
                ca = a[ai];
                cb = b[bi];
            }

            if (ca < cb) { return -1; }
            if (ca > cb) { return 1; }
            ai++;
            bi++;
            if (ai >= a.Length && bi >= b.Length) { return 0; }
            if (ai >= a.Length) { return -1; }
            if (bi >= b.Length) { return 1; }
        }
    }

    /// <summary>PHP 8 comparison of two array keys under <c>ksort</c>'s default flags.</summary>
    public static int CompareKeys(string a, string b)
    {
        if (IsNumeric(a) && IsNumeric(b))
        {
            return double.Parse(a, CultureInfo.InvariantCulture).CompareTo(double.Parse(b, CultureInfo.InvariantCulture));
        }

        int common = Math.Min(a.Length, b.Length);
        for (int i = 0; i < common; i++)
        {
            if (a[i] != b[i])
            {
                return a[i] < b[i] ? -1 : 1;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    /// <summary>A decimal integer string that PHP turns into an integer array key (<c>"1"</c>, <c>"-5"</c>, not <c>"01"</c>).</summary>
    public static bool IsIntegerKey(string key) =>
        key.Length > 0 && (key == "0" || (key.TrimStart('-').Length == key.Length - (key.StartsWith('-') ? 1 : 0)
            && key.TrimStart('-').Length > 0 && key.TrimStart('-')[0] != '0' && key.TrimStart('-').All(char.IsAsciiDigit)));

    private static bool IsNumeric(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && s.Trim() == s && s.Length > 0;

    private static string Decode(string text, bool plusIsSpace)
    {
        var result = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '%' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
            {
                result.Append((char)Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                result.Append(plusIsSpace && c == '+' ? ' ' : c);
            }
        }

        return result.ToString();
    }

    private static int CompareRight(string a, ref int ai, string b, ref int bi)
    {
        int bias = 0;
        for (; ; ai++, bi++)
        {
            bool aDigit = ai < a.Length && char.IsAsciiDigit(a[ai]);
            bool bDigit = bi < b.Length && char.IsAsciiDigit(b[bi]);
            if (!aDigit && !bDigit) { return bias; }
            if (!aDigit) { return -1; }
            if (!bDigit) { return 1; }
            if (bias == 0 && a[ai] != b[bi]) { bias = a[ai] < b[bi] ? -1 : 1; }
        }
    }

    private static int CompareLeft(string a, ref int ai, string b, ref int bi)
    {
        for (; ; ai++, bi++)
        {
            bool aDigit = ai < a.Length && char.IsAsciiDigit(a[ai]);
            bool bDigit = bi < b.Length && char.IsAsciiDigit(b[bi]);
            if (!aDigit && !bDigit) { return 0; }
            if (!aDigit) { return -1; }
            if (!bDigit) { return 1; }
            if (a[ai] != b[bi]) { return a[ai] < b[bi] ? -1 : 1; }
        }
    }
}
