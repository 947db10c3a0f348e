using System.Text;
using System.Text.RegularExpressions;

namespace MagentoOAuth.Sandbox.Oauth;

/// <summary>How each generation turns the request URL into the base string URI.</summary>
internal static partial class UrlNormalizer
{
    /// <summary>
    /// laminas-oauth <c>AbstractSignature::normaliseBaseSignatureUrl</c> with laminas-uri (G1–G2) or Magento's
    /// <c>F/Oauth/Helper/Uri/Http.php</c> (G3): scheme and host lower-cased, default port dropped, query and fragment
    /// dropped, path normalised (dot segments removed, escapes decoded, the rest escaped).
    /// </summary>
    public static string Laminas(string url, bool decodeReservedEscapes)
    {
        var (scheme, host, port, path) = Split(url);
        scheme = scheme.ToLowerInvariant();
        host = host.ToLowerInvariant();
        if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443"))
        {
            port = null;
        }

        // laminas-uri Uri::normalizePath: removePathDotSegments, decodeUrlEncodedChars(allowed), encodePath.
        path = RemoveDotSegments(path);
        Regex allowed = decodeReservedEscapes ? DecodableLaminas() : DecodableUnreserved();
        path = Escape().Replace(path, m =>
        {
            string decoded = Php.RawUrlDecode(m.Value);
            return allowed.IsMatch(decoded) ? decoded : m.Value.ToUpperInvariant();
        });
        path = NotPathCharacters().Replace(path, m => Php.RawUrlEncode(m.Value));
        if (path.Length == 0)
        {
            path = "/";
        }

        return scheme + "://" + host + (port is null ? string.Empty : ":" + port) + path;
    }

    /// <summary>G4 <c>Helper/Signature/Hmac::buildRequestUrl</c>: <c>parse_url</c>, then scheme://host[:port]path as given.</summary>
    public static string Native(string url)
    {
        var (scheme, host, port, path) = Split(url);
        return scheme + "://" + host + (port is null ? string.Empty : ":" + port) + path;
    }

    private static (string Scheme, string Host, string? Port, string Path) Split(string url)
    {
        int schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        string scheme = url[..schemeEnd];
        string rest = url[(schemeEnd + 3)..];
        int pathStart = rest.IndexOfAny(['/', '?', '#']);
        string authority = pathStart < 0 ? rest : rest[..pathStart];
        string pathAndMore = pathStart < 0 ? string.Empty : rest[pathStart..];
        int queryStart = pathAndMore.IndexOfAny(['?', '#']);
        string path = queryStart < 0 ? pathAndMore : pathAndMore[..queryStart];
        int colon = authority.LastIndexOf(':');
        bool hasPort = colon > 0 && !authority.EndsWith(']') && authority[(colon + 1)..].All(char.IsAsciiDigit);
        return (scheme, hasPort ? authority[..colon] : authority, hasPort ? authority[(colon + 1)..] : null, path);
    }

    private static string RemoveDotSegments(string path)
    {
        var output = new List<string>();
        string[] segments = path.Split('/');
        for (int i = 0; i < segments.Length; i++)
        {
            string segment = segments[i];
            if (segment == ".")
            {
                if (i == segments.Length - 1) { output.Add(string.Empty); }
                continue;
            }

            if (segment == "..")
            {
                if (output.Count > 1) { output.RemoveAt(output.Count - 1); }
                if (i == segments.Length - 1) { output.Add(string.Empty); }
                continue;
            }

            output.Add(segment);
        }

        var text = new StringBuilder();
        text.AppendJoin('/', output);
        return text.ToString();
    }

    [GeneratedRegex("%[A-Fa-f0-9]{2}")]
    private static partial Regex Escape();

    [GeneratedRegex(@"^[a-zA-Z0-9_\-.~:@&=+$,/;%]$")]
    private static partial Regex DecodableLaminas();

    [GeneratedRegex(@"^[a-zA-Z0-9_\-.~]$")]
    private static partial Regex DecodableUnreserved();

    [GeneratedRegex(@"(?:[^a-zA-Z0-9_\-.~)(:@&=+$,;%/]+|%(?![A-Fa-f0-9]{2}))")]
    private static partial Regex NotPathCharacters();
}
