using System.Text;

namespace MagentoOAuth.Signing;

/// <summary>
/// Rewrites a request URL into the form every Magento signer generation reads the same way as RFC 5849, without
/// changing what Magento's PHP makes of it: each query name and value percent-encoded except unreserved characters
/// (a raw <c>+</c>, which PHP reads as a space, becomes <c>%20</c>), every pair written <c>name=value</c>, only the last
/// value of a repeated plain name (PHP keeps only that one), and path characters laminas-uri would escape escaped.
/// What cannot be made portable (a <c>%2F</c> in the path, indices 2 and 10 together) is left as it is;
/// <see cref="PortabilityAnalyzer"/> says which generations refuse it.
/// </summary>
public static class PortableRequest
{
    /// <summary>Returns <paramref name="uri"/> in portable form (the same instance when it already is).</summary>
    /// <param name="uri">An absolute http(s) URL.</param>
    public static Uri ToPortableUri(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
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

        return string.Join('&', pairs.Select(p => p.Name + "=" + p.Value));
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
