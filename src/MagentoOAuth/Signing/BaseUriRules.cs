using System.Text;

namespace MagentoOAuth.Signing;

/// <summary>The base string URI (RFC 5849 §3.4.1.2) as each server generation builds it, written as ASCII.</summary>
internal static class BaseUriRules
{
    public static void Write(ref ByteWriter writer, Uri uri, string? hostHeader, SignatureProfile profile)
    {
        WriteAscii(ref writer, uri.Scheme.ToLowerInvariant());
        writer.Append("://"u8);
        if (profile == SignatureProfile.MagentoG4)
        {
            // Magento: F/Oauth/Helper/Signature/Hmac.php buildRequestUrl uses parse_url on scheme://HTTP_HOST + URI:
            // the Host header as the client sent it, case and explicit default port included.
            WriteAscii(ref writer, hostHeader ?? DefaultHost(uri));
            WriteAscii(ref writer, PathOf(uri));
            return;
        }

        // RFC 5849 §3.4.1.2 and laminas-uri Uri::normalize: lower-case host, no default port.
        WriteAscii(ref writer, NormalizedAuthority(uri, hostHeader));
        switch (profile)
        {
            case SignatureProfile.MagentoG1 or SignatureProfile.MagentoG2:
                // Magento: laminas-uri Uri::normalizePath via AbstractSignature::normaliseBaseSignatureUrl.
                WritePath(ref writer, PathOf(uri), decodeReserved: true);
                break;
            case SignatureProfile.MagentoG3:
                // Magento: F/Oauth/Helper/Uri/Http.php decodes unreserved characters only.
                WritePath(ref writer, PathOf(uri), decodeReserved: false);
                break;
            default:
                WriteAscii(ref writer, PathOf(uri));
                break;
        }
    }

    /// <summary>The base string URI, percent-encoded as the base string holds it.</summary>
    public static void WriteEncoded(ref ByteWriter destination, Uri uri, string? hostHeader, SignatureProfile profile)
    {
        if (profile == SignatureProfile.Rfc5849)
        {
            // The common case, encoded straight into the base string: no intermediate buffer.
            PercentEncoding.AppendEncoded(ref destination, uri.Scheme.ToLowerInvariant());
            destination.Append("%3A%2F%2F"u8);
            PercentEncoding.AppendEncoded(ref destination, NormalizedAuthority(uri, hostHeader));
            PercentEncoding.AppendEncoded(ref destination, PathOf(uri));
            return;
        }

        var baseUri = new ByteWriter(256);
        try
        {
            Write(ref baseUri, uri, hostHeader, profile);
            PercentEncoding.AppendEncoded(ref destination, baseUri.WrittenSpan);
        }
        finally
        {
            baseUri.Dispose();
        }
    }

    /// <summary>The escaped path, as a slice of the (cached) absolute URI: <see cref="Uri.AbsolutePath"/> allocates each time.</summary>
    public static ReadOnlySpan<char> PathOf(Uri uri)
    {
        ReadOnlySpan<char> absolute = uri.AbsoluteUri;
        int authority = absolute.IndexOf("://", StringComparison.Ordinal) + 3;
        int start = absolute[authority..].IndexOf('/');
        if (start < 0)
        {
            return "/";
        }

        ReadOnlySpan<char> path = absolute[(authority + start)..];
        int end = path.IndexOfAny('?', '#');
        return end < 0 ? path : path[..end];
    }

    /// <summary>The query without '?', as a slice of the (cached) absolute URI.</summary>
    public static ReadOnlySpan<char> QueryOf(Uri uri)
    {
        ReadOnlySpan<char> absolute = uri.AbsoluteUri;
        int question = absolute.IndexOf('?');
        if (question < 0)
        {
            return [];
        }

        ReadOnlySpan<char> query = absolute[(question + 1)..];
        int fragment = query.IndexOf('#');
        return fragment < 0 ? query : query[..fragment];
    }

    /// <summary>The Host header HttpClient sends for <paramref name="uri"/>: lower-case, default port omitted.</summary>
    public static string DefaultHost(Uri uri)
    {
        // IdnHost drops an IPv6 literal's brackets; Host keeps them.
        string host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        return uri.IsDefaultPort ? host : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{host}:{uri.Port}");
    }

    private static string NormalizedAuthority(Uri uri, string? hostHeader)
    {
        if (hostHeader is null)
        {
            return DefaultHost(uri);
        }

        string host = hostHeader.ToLowerInvariant();
        string scheme = uri.Scheme.ToLowerInvariant();
        string defaultPortSuffix = scheme == "https" ? ":443" : scheme == "http" ? ":80" : "\0";
        return host.EndsWith(defaultPortSuffix, StringComparison.Ordinal) ? host[..^defaultPortSuffix.Length] : host;
    }

    /// <summary>
    /// laminas-uri's path normalisation, two passes like laminas: decodeUrlEncodedChars (escapes of unreserved
    /// characters and, before G3, of <c>: @ &amp; = + $ , / ; %</c> become the character; other escapes are
    /// upper-cased), then encodePath on the result (characters outside unreserved and <c>( ) : @ &amp; = + $ , ; / %</c>,
    /// and any '%' not followed by two hex digits, are escaped). So <c>%25</c> decodes to '%' and, unless two hex
    /// digits follow, is escaped again.
    /// </summary>
    private static void WritePath(ref ByteWriter writer, ReadOnlySpan<char> path, bool decodeReserved)
    {
        if (path.Length == 0)
        {
            writer.Append((byte)'/');
            return;
        }

        // Pass 1, as bytes: UTF-8 for raw characters, decoded or upper-cased escapes.
        var decoded = new ByteWriter(path.Length * 3);
        try
        {
            ReadOnlySpan<char> chars = path;
            Span<byte> utf8 = stackalloc byte[4];
            for (int i = 0; i < chars.Length; i++)
            {
                char c = chars[i];
                if (c == '%' && PercentEncoding.TryDecodeEscape(chars, i, out byte value))
                {
                    i += 2;
                    if (PercentEncoding.IsUnreserved(value) || (decodeReserved && IsDecodedReserved(value)))
                    {
                        decoded.Append(value);
                    }
                    else
                    {
                        PercentEncoding.AppendEncodedByte(ref decoded, value);
                    }
                }
                else if (c < 0x80)
                {
                    decoded.Append((byte)c);
                }
                else
                {
                    int length = Encoding.UTF8.GetBytes(chars.Slice(i, char.IsHighSurrogate(c) && i + 1 < chars.Length ? 2 : 1), utf8);
                    i += length == 4 ? 1 : 0;
                    decoded.Append(utf8[..length]);
                }
            }

            // Pass 2: encodePath.
            ReadOnlySpan<byte> text = decoded.WrittenSpan;
            for (int i = 0; i < text.Length; i++)
            {
                byte b = text[i];
                bool validEscape = b == '%' && i + 2 < text.Length && PercentEncoding.HexValue(text[i + 1]) >= 0 && PercentEncoding.HexValue(text[i + 2]) >= 0;
                if (validEscape || (b < 0x80 && b != '%' && (PercentEncoding.IsUnreserved(b) || IsAllowedRaw((char)b))))
                {
                    writer.Append(b);
                }
                else
                {
                    PercentEncoding.AppendEncodedByte(ref writer, b);
                }
            }
        }
        finally
        {
            decoded.Dispose();
        }
    }

    private static bool IsDecodedReserved(byte b) => b is (byte)':' or (byte)'@' or (byte)'&' or (byte)'=' or (byte)'+'
        or (byte)'$' or (byte)',' or (byte)'/' or (byte)';' or (byte)'%';

    private static bool IsAllowedRaw(char c) => c is '(' or ')' or ':' or '@' or '&' or '=' or '+' or '$' or ',' or ';' or '/';

    private static void WriteAscii(ref ByteWriter writer, ReadOnlySpan<char> text)
    {
        Span<byte> span = writer.GetSpan(text.Length);
        int written = Encoding.ASCII.GetBytes(text, span);
        writer.Advance(written);
    }
}
