using System.Text;

namespace MagentoOAuth.Signing;

/// <summary>
/// Rewrites a request URL into the form every Magento signer generation reads the same way as RFC 5849, without
/// changing what Magento's PHP makes of it: each query name and value percent-encoded except unreserved characters
/// (a raw <c>+</c>, which PHP reads as a space, becomes <c>%20</c>), every pair written <c>name=value</c>, only the last
/// value of a repeated plain name (PHP keeps only that one), a repeated array name <c>a[]</c> numbered <c>a[0]</c>,
/// <c>a[1]</c>, … (up to 10 values; PHP builds the same array), and path characters laminas-uri would escape escaped.
/// What cannot be made portable (a <c>%2F</c> in the path, indices 2 and 10 together, 11 or more <c>a[]</c>) is left as it is;
/// <see cref="PortabilityAnalyzer"/> says which generations refuse it.
/// </summary>
public static class PortableRequest
{
    private static readonly System.Buffers.SearchValues<char> PathCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~()/:@&=+$,;%");

    private static readonly System.Buffers.SearchValues<char> QueryCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%");

    /// <summary>
    /// True when <see cref="ToPortableUri"/> would return <paramref name="uri"/> unchanged: checked on spans of the cached
    /// absolute URI, with no allocation, so the common case costs nothing in the signing handler. It says nothing about
    /// what no rewrite can fix (a <c>%2F</c> in a path, indices 2 and 10): <see cref="PortabilityAnalyzer"/> does.
    /// </summary>
    internal static bool IsInPortableForm(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ReadOnlySpan<char> path = BaseUriRules.PathOf(uri);
        if (path.IndexOfAnyExcept(PathCharacters) >= 0 || !EscapesAreUpperCaseAndReserved(path))
        {
            return false;
        }

        ReadOnlySpan<char> query = BaseUriRules.QueryOf(uri);
        if (query.IsEmpty)
        {
            return !uri.AbsoluteUri.Contains('?', StringComparison.Ordinal);
        }

        int pairs = 0;
        foreach (Range range in query.Split('&'))
        {
            ReadOnlySpan<char> pair = query[range];
            int equals = pair.IndexOf('=');
            if (equals <= 0 || pair[(equals + 1)..].Contains('=') || pair[..equals].IndexOfAnyExcept(QueryCharacters) >= 0
                || pair[(equals + 1)..].IndexOfAnyExcept(QueryCharacters) >= 0 || !EscapesAreUpperCaseAndReserved(pair))
            {
                return false;
            }

            // Repeated plain names are rewritten (PHP keeps the last); compare this name with the ones before it.
            int seen = 0;
            foreach (Range other in query.Split('&'))
            {
                if (seen++ == pairs)
                {
                    break;
                }

                ReadOnlySpan<char> previous = query[other];
                if (previous[..previous.IndexOf('=')].SequenceEqual(pair[..equals]))
                {
                    // A repeated array name a[] may be numbered (rare: the allocating rewrite decides); other
                    // repeated bracketed names stay.
                    if (pair[..equals].EndsWith("%5B%5D", StringComparison.Ordinal))
                    {
                        return query.SequenceEqual(PortableQuery(query));
                    }

                    if (!pair[..equals].Contains("%5B", StringComparison.Ordinal))
                    {
                        return false;
                    }
                }
            }

            pairs++;
        }

        return true;
    }

    /// <summary>Every escape is upper-case and not of an unreserved character (the rewrite decodes those).</summary>
    private static bool EscapesAreUpperCaseAndReserved(ReadOnlySpan<char> text)
    {
        for (int i = text.IndexOf('%'); i >= 0; i = text.IndexOf('%'))
        {
            if (i + 2 >= text.Length || !char.IsAsciiHexDigitUpper(text[i + 1]) && !char.IsAsciiDigit(text[i + 1])
                || !char.IsAsciiHexDigitUpper(text[i + 2]) && !char.IsAsciiDigit(text[i + 2])
                || PercentEncoding.IsUnreserved(PercentEncoding.HexValue(text[i + 1]) * 16 + PercentEncoding.HexValue(text[i + 2])))
            {
                return false;
            }

            text = text[(i + 3)..];
        }

        return true;
    }

    /// <summary>Returns <paramref name="uri"/> in portable form (the same instance when it already is).</summary>
    /// <param name="uri">An absolute http(s) URL.</param>
    public static Uri ToPortableUri(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (IsInPortableForm(uri))
        {
            return uri;
        }

        string path = PortablePath(uri.AbsolutePath);
        string query = uri.Query.Length > 1 ? "?" + PortableQuery(uri.Query.AsSpan(1)) : string.Empty;
        string rebuilt = $"{uri.Scheme}://{BaseUriRules.DefaultHost(uri)}{path}{query}";
        return string.Equals(rebuilt, uri.AbsoluteUri, StringComparison.Ordinal) ? uri : new Uri(rebuilt);
    }

    internal static string PortableQuery(ReadOnlySpan<char> query)
    {
        var pairs = new List<(string Name, string Value, bool Plain)>();
        foreach (Range range in query.Split('&'))
        {
            ReadOnlySpan<char> pair = query[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            int equals = pair.IndexOf('=');
            string name = Recode(equals < 0 ? pair : pair[..equals]);
            string value = Recode(equals < 0 ? [] : pair[(equals + 1)..]);
            bool plain = !Uri.UnescapeDataString(name).Contains('[');
            if (plain)
            {
                pairs.RemoveAll(p => p.Plain && p.Name == name);
            }

            pairs.Add((name, value, plain));
        }

        NumberAppends(pairs);
        return string.Join('&', pairs.Select(p => p.Name + "=" + p.Value));
    }

    /// <summary>
    /// Writes a repeated array name <c>a[]</c> (or <c>a[x][]</c>) as <c>a[0]</c>, <c>a[1]</c>, …: PHP's parse_str builds
    /// the same array from both, but every generation takes the <c>a[]</c> pairs as one name whose last value wins
    /// (Magento: F/Oauth/Helper/Request.php <c>_extractQueryStringParams</c>; G4's parse_str copy is dropped by
    /// F/Oauth/Helper/Signature/Hmac.php <c>removeNestedArrays</c>), so RFC 5849's signature over every value is refused.
    /// Only up to 10 values: G1–G3 sort names naturally and G4 by decoded name, so an index of 10 or more sorts
    /// differently (keep array indices within 0–9). Left as they are: more than 10 values, a name with another
    /// <c>[]</c> (<c>a[][b]</c>), and an array some other parameter also writes to (<c>a[5]</c>, <c>a[x]</c>, <c>a</c>).
    /// </summary>
    private static void NumberAppends(List<(string Name, string Value, bool Plain)> pairs)
    {
        const string Append = "%5B%5D";
        var repeated = pairs.Where(p => p.Name.EndsWith(Append, StringComparison.Ordinal)).GroupBy(p => p.Name).Where(g => g.Count() > 1).ToList();
        List<string> names = pairs.Select(p => Uri.UnescapeDataString(p.Name)).ToList();
        foreach (var group in repeated.Where(g => CanNumber(Uri.UnescapeDataString(g.Key), names)))
        {
            int index = 0;
            for (int i = 0; i < pairs.Count; i++)
            {
                if (pairs[i].Name == group.Key)
                {
                    pairs[i] = pairs[i] with { Name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{group.Key[..^Append.Length]}%5B{index++}%5D") };
                }
            }
        }
    }

    /// <summary>
    /// True when the repeated <paramref name="name"/> (decoded, ending in <c>[]</c>) can be numbered from 0 without
    /// changing the array PHP builds: 2 to 10 values, no other parameter of <paramref name="names"/> (decoded, in order)
    /// writing into that array or replacing it, and nothing else in the name PHP would append to or ignore.
    /// </summary>
    internal static bool CanNumber(string name, IReadOnlyList<string> names)
    {
        int count = names.Count(n => n == name);
        List<string>? array = ArrayOfAppend(name);
        return count is >= 2 and <= 10 && array is not null
            && !names.Any(other => other != name && Overlaps(array, ParameterRules.PhpPath(other)));
    }

    /// <summary>
    /// The PHP path of the array an <c>…[]</c> name appends to, when that is all the name does: no other empty key, no
    /// key of white space only (PHP may read it as empty), nothing after the last ']' that PHP would ignore.
    /// </summary>
    private static List<string>? ArrayOfAppend(string decodedName)
    {
        List<string>? path = ParameterRules.PhpPath(decodedName);
        if (path is null || path.Count < 2 || path[^1].Length != 0 || path.Skip(1).SkipLast(1).Any(string.IsNullOrWhiteSpace))
        {
            return null;
        }

        string written = path[0] + string.Concat(path.Skip(1).Select(k => "[" + k + "]"));
        return written == ParameterRules.PhpName(decodedName) ? path.GetRange(0, path.Count - 1) : null;
    }

    /// <summary>
    /// True when the parameter at <paramref name="other"/> writes into <paramref name="array"/> or replaces it (one path
    /// starts the other). A white-space key counts as empty, which can only find more overlaps.
    /// </summary>
    private static bool Overlaps(List<string> array, List<string>? other)
    {
        if (other is null)
        {
            return false;
        }

        for (int i = 0; i < Math.Min(array.Count, other.Count); i++)
        {
            if (Key(array[i]) != Key(other[i]))
            {
                return false;
            }
        }

        return true;

        static string Key(string key) => string.IsNullOrWhiteSpace(key) ? string.Empty : key;
    }

    private static string Recode(ReadOnlySpan<char> wire)
    {
        var writer = new ByteWriter(wire.Length * 3);
        try
        {
            PercentEncoding.AppendRecoded(ref writer, wire, plusIsSpace: true);
            return Encoding.ASCII.GetString(writer.WrittenSpan);
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static string PortablePath(string path)
    {
        var builder = new StringBuilder(path.Length + 8);
        for (int i = 0; i < path.Length; i++)
        {
            char c = path[i];
            if (c == '%' && PercentEncoding.TryDecodeEscape(path, i, out byte decoded))
            {
                // Unreserved escapes mean the same decoded, and every generation then agrees; other escapes stay.
                if (PercentEncoding.IsUnreserved(decoded))
                {
                    builder.Append((char)decoded);
                }
                else
                {
                    builder.Append('%').Append(path.AsSpan(i + 1, 2).ToString().ToUpperInvariant());
                }

                i += 2;
            }
            else if (c < 0x80 && (PercentEncoding.IsUnreserved(c) || "()/:@&=+$,;".Contains(c, StringComparison.Ordinal)))
            {
                builder.Append(c);
            }
            else
            {
                foreach (byte b in Encoding.UTF8.GetBytes(path.Substring(i, char.IsHighSurrogate(c) && i + 1 < path.Length ? 2 : 1)))
                {
                    builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }

                i += char.IsHighSurrogate(c) && i + 1 < path.Length ? 1 : 0;
            }
        }

        return builder.ToString();
    }
}
