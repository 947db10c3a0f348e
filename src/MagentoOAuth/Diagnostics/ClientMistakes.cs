using System.Text;
using System.Text.Json;
using MagentoOAuth.Signing;

namespace MagentoOAuth.Diagnostics;

/// <summary>
/// The known client mistakes, each as a way to re-sign a correct request wrongly: if one of them gives the signature a
/// request carries, that is what its client did. The table in docs/troubleshooting.md lists the same ids.
/// </summary>
internal static class ClientMistakes
{
    /// <summary>One mistake: how to build the wrongly signed variants of a correct request.</summary>
    internal sealed record Rule(ClientMistake Mistake, Func<Basis, IEnumerable<Attempt>> Variants);

    /// <summary>A correct request for one profile, with what the client sent.</summary>
    internal sealed record Basis(OAuthRequest Request, OAuthCredentials Credentials, CapturedRequest Captured, string HostSent);

    /// <summary>One way to sign it.</summary>
    internal sealed record Attempt(OAuthRequest Request, OAuthCredentials Credentials);

    public static readonly IReadOnlyList<Rule> All =
    [
        new(new("brackets-encoded-twice", "brackets encoded twice",
                "The client signed the query with '[' and ']' already escaped (%5B, %5D) and escaped them again (%255B).",
                "Decode the query before signing, or let the OAuth library build the query from plain names and values."),
            b => Query(b, q => ReplaceIgnoreCase(ReplaceIgnoreCase(q.Replace("[", "%5B", StringComparison.Ordinal).Replace("]", "%5D", StringComparison.Ordinal), "%5B", "%255B"), "%5D", "%255D"))),
        new(new("query-left-out", "query left out",
                "The client signed the URL without its query string; OAuth 1.0a signs every query parameter (RFC 5849 §3.4.1.3.1).",
                "Pass the full URL, query included, to the signer; add query parameters before signing, not after."),
            b => b.Request.Uri.Query.Length > 1 ? [With(b, WithQuery(b.Request.Uri, null))] : []),
        new(new("json-body-signed", "JSON body signed as a form",
                "The client put the JSON body's fields (or the JSON text) into the signature. OAuth signs only application/x-www-form-urlencoded bodies; Magento never signs JSON.",
                "Sign JSON requests without their body: pass only the method and URL to the signer, and send Content-Type: application/json."),
            JsonAsForm),
        new(new("form-body-left-out", "form body left out",
                "The request has an application/x-www-form-urlencoded body, and the client signed without its fields; OAuth signs them.",
                "Give the form fields to the signer, or send the body as JSON (not signed) with Content-Type: application/json."),
            b => b.Request.FormBody is not null ? [new Attempt(b.Request with { FormBody = null }, b.Credentials)] : []),
        new(new("plus-as-space", "'+' read as a space (or a space as '+')",
                "The client and the store read '+' in the query differently: one form-decodes it as a space, the other keeps a plus sign (G1–G3 keep '+'; G4 and RFC 5849 read a space).",
                "Never send a raw '+': encode a plus sign as %2B and a space as %20."),
            PlusVariants),
        new(new("names-sorted-decoded", "parameters sorted by decoded names",
                "The client sorted the parameters by their decoded names (e.g. 'a[b]' after 'a0'); RFC 5849 and Magento G1–G3 sort the encoded names ('a%5Bb%5D' first). Only G4 sorts decoded names.",
                "Sort by the percent-encoded names, byte by byte (or let a maintained OAuth library do it)."),
            b => b.Request.Profile == SignatureProfile.MagentoG4 || !DecodedOrderDiffers(b) ? [] : [With(b, b.Request.Uri, SignatureProfile.MagentoG4, DefaultHost(b.Request.Uri))]),
        new(new("default-port-kept", "default port kept",
                "The client signed the URL with its default port (':443' for https, ':80' for http); RFC 5849 and Magento G1–G3 drop it, and G4 signs the Host header as sent, which has none.",
                "Drop ':443'/':80' from the URL before signing (or send that port in the Host header too, for G4)."),
            b => b.Request.Uri.IsDefaultPort && !HasPort(b.HostSent)
                ? [With(b, b.Request.Uri, SignatureProfile.MagentoG4, DefaultHost(b.Request.Uri) + ":" + b.Request.Uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))]
                : []),
        new(new("default-port-dropped", "default port dropped",
                "The request's Host header names the default port (':443'/':80'), which Magento G4 signs as sent; the client signed without it.",
                "Send the Host header without the default port (every HTTP library does unless told otherwise), or sign with it for G4."),
            b => b.Request.Profile == SignatureProfile.MagentoG4 && HasPort(b.HostSent) ? [With(b, b.Request.Uri, SignatureProfile.MagentoG4, DefaultHost(b.Request.Uri))] : []),
        new(new("host-case", "host case",
                "The Host header was sent with upper-case letters: Magento G4 signs it as sent, RFC 5849 and G1–G3 in lower case, and the client signed the other form.",
                "Write the store's host name in lower case everywhere (the base URL your app stores)."),
            HostCase),
        new(new("http-for-https", "scheme: http signed for https (or the reverse)",
                "The client signed the other scheme than the request used. Behind a TLS offloader Magento sees http unless web/secure/offloader_header names the header the offloader sets (X-Forwarded-Proto), so a client that signs https is refused, and one that signs http for an https URL is refused by a store that sees https.",
                "Sign the URL exactly as requested (https). If the store sits behind a load balancer or proxy that ends TLS, set Stores > Configuration > General > Web > Default Pages > Offloader header (web/secure/offloader_header) to X-Forwarded-Proto and make the proxy send it."),
            b => [With(b, WithScheme(b.Request.Uri, b.Request.Uri.Scheme == Uri.UriSchemeHttps ? Uri.UriSchemeHttp : Uri.UriSchemeHttps))]),
        new(new("token-secret-missing", "token secret missing from the key",
                "The client signed with only the consumer secret ('secret&'), though the request carries oauth_token; the key is consumer secret & token secret.",
                "Give the access token secret (or, for /oauth/token/access, the request token secret) to the signer."),
            b => b.Credentials.Token is not null
                ? [new Attempt(b.Request, OAuthCredentials.WithEmptyTokenSecret(b.Credentials.ConsumerKey, b.Credentials.ConsumerSecret, b.Credentials.Token))]
                : []),
        new(new("hmac-sha1", "HMAC-SHA1 instead of HMAC-SHA256",
                "The signature was made with HMAC-SHA1; Magento 2.4.4 and later accept only HMAC-SHA256 (400 \"Signature method HMAC-SHA1 is not supported\").",
                "Sign with HMAC-SHA256 and say so: oauth_signature_method=\"HMAC-SHA256\"."),
            b => b.Request.SignatureMethod == OAuthSignatureMethod.HmacSha256 ? [new Attempt(b.Request with { SignatureMethod = OAuthSignatureMethod.HmacSha1 }, b.Credentials)] : []),
        new(new("index-php", "index.php/ added or dropped",
                "The client signed the URL with '/index.php' where the request has none, or without it where the request has it. Magento signs the URL as requested.",
                "Sign the exact URL you send; use one base URL everywhere: with index.php/ only when the store's web server has no rewrites."),
            IndexPhp),
        new(new("path-escapes-decoded", "path escapes decoded",
                "The client signed the path with its escapes decoded (e.g. 'ABC/10' for 'ABC%2F10'). Magento G3–G4 sign the path as sent; G1–G2 decode such escapes themselves, so a path with %2F cannot suit every generation.",
                "Sign the path exactly as sent; for a SKU with '/', sign for the store's generation (magento-oauth doctor tells it) or retry with the other form."),
            b => DecodedPath(b.Request.Uri) is { } decoded ? [With(b, decoded)] : []),
    ];

    private static IEnumerable<Attempt> Query(Basis b, Func<string, string> change)
    {
        string query = b.Request.Uri.Query.Length > 1 ? b.Request.Uri.Query[1..] : string.Empty;
        string changed = change(query);
        return changed == query ? [] : [With(b, WithQuery(b.Request.Uri, changed))];
    }

    private static IEnumerable<Attempt> PlusVariants(Basis b)
    {
        foreach (string replacement in (string[])["%20", "%2B"])
        {
            string query = b.Request.Uri.Query.Length > 1 ? b.Request.Uri.Query[1..] : string.Empty;
            string? form = b.Request.FormBody;
            if (!query.Contains('+', StringComparison.Ordinal) && form?.Contains('+', StringComparison.Ordinal) != true)
            {
                yield break;
            }

            Uri uri = query.Contains('+', StringComparison.Ordinal) ? WithQuery(b.Request.Uri, query.Replace("+", replacement, StringComparison.Ordinal)) : b.Request.Uri;
            yield return new Attempt(b.Request.WithUri(uri) with { FormBody = form?.Replace("+", replacement, StringComparison.Ordinal) }, b.Credentials);
        }
    }

    private static IEnumerable<Attempt> JsonAsForm(Basis b)
    {
        if (b.Captured.Body is not { Length: > 0 } body || b.Request.FormBody is not null || body.TrimStart() is not ['{' or '[', ..])
        {
            yield break;
        }

        yield return new Attempt(b.Request with { FormBody = body }, b.Credentials);
        string? fields = TopLevelFields(body);
        if (fields is not null)
        {
            yield return new Attempt(b.Request with { FormBody = fields }, b.Credentials);
        }
    }

    /// <summary>The JSON object's scalar members as a form body, as a client that hands a dictionary to its signer does.</summary>
    private static string? TopLevelFields(string json)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var form = new StringBuilder();
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                string? value = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                    _ => null,
                };
                if (value is not null)
                {
                    form.Append(form.Length == 0 ? "" : "&").Append(Uri.EscapeDataString(property.Name)).Append('=').Append(Uri.EscapeDataString(value));
                }
            }

            return form.Length == 0 ? null : form.ToString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// True when sorting the names decoded gives another order than sorting them encoded: only then can this mistake
    /// be told from G4's other ways (it is borrowed here for its sort).
    /// </summary>
    private static bool DecodedOrderDiffers(Basis b)
    {
        string query = b.Request.Uri.Query.Length > 1 ? b.Request.Uri.Query[1..] : string.Empty;
        List<string> names = [.. (query + "&" + b.Request.FormBody).Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => Uri.UnescapeDataString(pair.Split('=')[0].Replace('+', ' ')))];
        var decoded = names.Order(StringComparer.Ordinal).ToList();
        var encoded = names.OrderBy(Uri.EscapeDataString, StringComparer.Ordinal).ToList();
        return !decoded.SequenceEqual(encoded);
    }

    private static IEnumerable<Attempt> HostCase(Basis b)
    {
        string lower = b.HostSent.ToLowerInvariant();
        if (lower == b.HostSent)
        {
            yield break;
        }

        // G4 signs the Host as sent: the client lower-cased it. The others lower-case it: the client kept the capitals.
        yield return b.Request.Profile == SignatureProfile.MagentoG4
            ? With(b, b.Request.Uri, SignatureProfile.MagentoG4, lower)
            : With(b, b.Request.Uri, SignatureProfile.MagentoG4, b.HostSent);
    }

    private static IEnumerable<Attempt> IndexPhp(Basis b)
    {
        string path = b.Request.Uri.AbsolutePath;
        int index = path.IndexOf("/index.php/", StringComparison.Ordinal);
        string? changed = null;
        if (index >= 0)
        {
            changed = path.Remove(index, "/index.php".Length);
        }
        else
        {
            foreach (string area in (string[])["/rest/", "/oauth/"])
            {
                int at = path.IndexOf(area, StringComparison.Ordinal);
                if (at >= 0)
                {
                    changed = path.Insert(at, "/index.php");
                    break;
                }
            }
        }

        return changed is null ? [] : [With(b, WithPath(b.Request.Uri, changed))];
    }

    private static Uri? DecodedPath(Uri uri)
    {
        string path = uri.AbsolutePath;
        if (!path.Contains('%', StringComparison.Ordinal))
        {
            return null;
        }

        string decoded = Uri.UnescapeDataString(path);
        Uri changed = WithPath(uri, decoded);
        return changed.AbsolutePath == path ? null : changed;
    }

    private static Attempt With(Basis b, Uri uri, SignatureProfile? profile = null, string? host = null) =>
        new(b.Request.WithUri(uri) with { Profile = profile ?? b.Request.Profile, Host = host ?? b.Request.Host }, b.Credentials);

    private static bool HasPort(string host) => host.LastIndexOf(':') is var colon and > 0 && !host.EndsWith(']') && host[(colon + 1)..].All(char.IsAsciiDigit);

    private static string DefaultHost(Uri uri) => uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;

    private static string ReplaceIgnoreCase(string text, string find, string replacement) => text.Replace(find, replacement, StringComparison.OrdinalIgnoreCase);

    private static string Authority(Uri uri) => uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);

    private static Uri WithQuery(Uri uri, string? query) =>
        new(Authority(uri) + uri.AbsolutePath + (string.IsNullOrEmpty(query) ? string.Empty : "?" + query));

    private static Uri WithPath(Uri uri, string path) => new(Authority(uri) + path + uri.Query);

    private static Uri WithScheme(Uri uri, string scheme)
    {
        string port = uri.IsDefaultPort ? string.Empty : ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        return new Uri($"{scheme}://{host}{port}{uri.AbsolutePath}{uri.Query}");
    }
}
