using System.CommandLine;
using System.Globalization;
using MagentoOAuth.Signing;

namespace MagentoOAuth.Cli.Commands;

/// <summary>
/// <c>magento-oauth sign METHOD URL …</c>: prints the Authorization header for a request, and with --explain every
/// step of the signature. Warns on standard error when some Magento signer generations would refuse the request.
/// </summary>
internal static class SignCommand
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    public static Command Create()
    {
        var method = new Argument<string>("METHOD") { Description = "HTTP method: GET, POST, PUT, DELETE, PATCH, HEAD or OPTIONS." };
        var url = new Argument<string>("URL")
        {
            Description = "The URL as it will be sent, e.g. 'https://shop.example.com/rest/V1/products?searchCriteria[pageSize]=5'. " +
                          "Raw brackets and spaces are accepted and encoded as HttpClient sends them. Quote it in the shell.",
        };
        var consumerKey = new Option<string>("--consumer-key") { Description = "The integration's consumer key.", Required = true };
        var consumerSecret = new Option<string?>("--consumer-secret") { Description = "The consumer secret (or set MAGENTO_OAUTH_CONSUMER_SECRET to keep it out of shell history)." };
        var token = new Option<string?>("--token") { Description = "The request or access token." };
        var tokenSecret = new Option<string?>("--token-secret") { Description = "The token secret (or MAGENTO_OAUTH_TOKEN_SECRET)." };
        var verifier = new Option<string?>("--verifier") { Description = "oauth_verifier, for POST …/oauth/token/access." };
        var form = new Option<string[]>("--form")
        {
            Description = "A form field NAME=VALUE (plain text, repeatable): sent as application/x-www-form-urlencoded and signed. JSON bodies are never signed, so don't pass them.",
            AllowMultipleArgumentsPerToken = false,
            HelpName = "NAME=VALUE",
        };
        var signatureMethod = new Option<string>("--signature-method")
        {
            Description = "HMAC-SHA256 (default; the only one Magento 2.4.4+ accepts) or HMAC-SHA1 (2.4.0–2.4.3).",
            DefaultValueFactory = _ => "HMAC-SHA256",
        };
        signatureMethod.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "HMAC-SHA256", "HMAC-SHA1");
        var profile = new Option<string>("--profile")
        {
            Description = "How the store builds its base string: rfc5849 (default; every generation agrees for portable requests), " +
                          "g1 (2.4.0–2.4.3), g2 (2.4.4–≈2.4.7), g3 (≈2.4.7-pN), g4 (≈2.4.8+). Needed only when sign warns.",
            DefaultValueFactory = _ => "rfc5849",
        };
        profile.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "rfc5849", "g1", "g2", "g3", "g4");
        var nonce = new Option<string?>("--nonce") { Description = "A fixed nonce, to reproduce a signature (default: 32 random [0-9a-v])." };
        var timestamp = new Option<long?>("--timestamp") { Description = "A fixed timestamp in Unix seconds (default: now)." };
        var host = new Option<string?>("--host") { Description = "The Host header your client sends, if not lower-case without default port (G4 signs it as sent)." };
        var portable = new Option<bool>("--portable") { Description = "Rewrite the URL into the form every Magento generation accepts, then sign that (printed on standard error)." };
        var explain = new Option<bool>("--explain") { Description = "After the header, show the parameters, base string and signing key (secrets masked)." };

        var command = new Command("sign", "Print the 'Authorization: OAuth …' header value for a request, as Magento will verify it.\n\n" +
            "The first line of output is exactly the header value. Examples:\n" +
            "  magento-oauth sign POST https://shop.example.com/oauth/token/request --consumer-key K --consumer-secret S\n" +
            "  magento-oauth sign GET 'https://shop.example.com/rest/V1/products?searchCriteria[pageSize]=5' \\\n" +
            "      --consumer-key K --consumer-secret S --token T --token-secret TS --explain")
        {
            method, url, consumerKey, consumerSecret, token, tokenSecret, verifier, form, signatureMethod, profile, nonce, timestamp, host, portable, explain,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            TextWriter error = parse.InvocationConfiguration.Error;

            string httpMethod = parse.GetRequiredValue(method).ToUpperInvariant();
            if (!Methods.Contains(httpMethod))
            {
                throw new CliUsageException($"unknown method '{parse.GetValue(method)}'; use one of {string.Join(", ", Methods)}.");
            }

            string rawUrl = parse.GetRequiredValue(url);
            Uri uri = ParseUrl(rawUrl);
            OAuthCredentials credentials = Credentials(parse.GetRequiredValue(consumerKey), parse.GetValue(consumerSecret), parse.GetValue(token), parse.GetValue(tokenSecret));

            string? body = await FormBodyAsync(parse.GetValue(form) ?? [], cancellationToken);
            if (parse.GetValue(portable))
            {
                uri = PortableRequest.ToPortableUri(uri);
                await error.WriteLineAsync($"signing the portable form: {httpMethod} {uri.AbsoluteUri}");
            }

            long? fixedTimestamp = parse.GetValue(timestamp);
            if (fixedTimestamp is <= 0)
            {
                throw new CliUsageException("--timestamp must be a positive number of seconds since 1970.");
            }

            string? fixedNonce = parse.GetValue(nonce);
            if (fixedNonce is { Length: 0 })
            {
                throw new CliUsageException("--nonce must not be empty.");
            }

            var request = new OAuthRequest(httpMethod, uri)
            {
                FormBody = body,
                Verifier = parse.GetValue(verifier),
                Nonce = fixedNonce,
                Timestamp = fixedTimestamp,
                Host = parse.GetValue(host),
                SignatureMethod = string.Equals(parse.GetValue(signatureMethod), "HMAC-SHA1", StringComparison.OrdinalIgnoreCase) ? OAuthSignatureMethod.HmacSha1 : OAuthSignatureMethod.HmacSha256,
                Profile = ParseProfile(parse.GetValue(profile)!),
            };

            OAuthSignatureDetails details = OAuthSigner.Default.Explain(request, credentials);
            await output.WriteLineAsync(details.AuthorizationHeader);
            if (parse.GetValue(explain))
            {
                await output.WriteAsync(Explanation.Format(request, details, body));
            }

            await WarnAsync(error, request, rawUrl, fixedNonce);
            return CliApp.Success;
        });
        return command;
    }

    internal static Uri ParseUrl(string rawUrl)
    {
        if (!Uri.TryCreate(rawUrl, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliUsageException($"'{rawUrl}' is not an absolute http(s) URL, like https://shop.example.com/rest/V1/orders.");
        }

        if (uri.UserInfo.Length > 0)
        {
            throw new CliUsageException("the URL must not contain a user name or password.");
        }

        return uri;
    }

    private static OAuthCredentials Credentials(string consumerKey, string? consumerSecret, string? token, string? tokenSecret)
    {
        consumerSecret ??= Environment.GetEnvironmentVariable("MAGENTO_OAUTH_CONSUMER_SECRET");
        tokenSecret ??= token is null ? null : Environment.GetEnvironmentVariable("MAGENTO_OAUTH_TOKEN_SECRET");
        if (string.IsNullOrEmpty(consumerKey))
        {
            throw new CliUsageException("--consumer-key must not be empty.");
        }

        if (string.IsNullOrEmpty(consumerSecret))
        {
            throw new CliUsageException("missing --consumer-secret (or set MAGENTO_OAUTH_CONSUMER_SECRET).");
        }

        if (token is not null && string.IsNullOrEmpty(tokenSecret))
        {
            throw new CliUsageException("--token needs --token-secret (or MAGENTO_OAUTH_TOKEN_SECRET).");
        }

        if (token is null && tokenSecret is not null)
        {
            throw new CliUsageException("--token-secret was given without --token.");
        }

        return new OAuthCredentials(consumerKey, consumerSecret, string.IsNullOrEmpty(token) ? null : token, string.IsNullOrEmpty(token) ? null : tokenSecret);
    }

    /// <summary>The body exactly as HttpClient's FormUrlEncodedContent sends it.</summary>
    private static async Task<string?> FormBodyAsync(string[] fields, CancellationToken cancellationToken)
    {
        if (fields.Length == 0)
        {
            return null;
        }

        var pairs = new List<KeyValuePair<string, string>>(fields.Length);
        foreach (string field in fields)
        {
            int equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliUsageException($"--form '{field}' must be NAME=VALUE.");
            }

            pairs.Add(new(field[..equals], field[(equals + 1)..]));
        }

        using var content = new FormUrlEncodedContent(pairs);
        return await content.ReadAsStringAsync(cancellationToken);
    }

    private static SignatureProfile ParseProfile(string name) => name.ToLowerInvariant() switch
    {
        "g1" => SignatureProfile.MagentoG1,
        "g2" => SignatureProfile.MagentoG2,
        "g3" => SignatureProfile.MagentoG3,
        "g4" => SignatureProfile.MagentoG4,
        _ => SignatureProfile.Rfc5849,
    };

    private static async Task WarnAsync(TextWriter error, OAuthRequest request, string rawUrl, string? fixedNonce)
    {
        IReadOnlyList<PortabilityIssue> issues = PortabilityAnalyzer.Analyze(request);
        foreach (PortabilityIssue issue in issues)
        {
            await error.WriteLineAsync($"warning: not portable: refused by {issue.GenerationNames}: {issue.Reason} {issue.Advice}");
        }

        Uri portable = PortableRequest.ToPortableUri(request.Uri);
        if (issues.Count > 0 && !ReferenceEquals(portable, request.Uri)
            && PortabilityAnalyzer.Analyze(new OAuthRequest(request.Method, portable) { FormBody = request.FormBody }).Count == 0)
        {
            await error.WriteLineAsync($"hint: every generation accepts the portable form (--portable): {portable.AbsoluteUri}");
        }

        string typedAuthority = TypedAuthority(rawUrl);
        if (request.Host is null && !string.Equals(typedAuthority, request.Uri.Authority, StringComparison.Ordinal) && typedAuthority.Length > 0)
        {
            await error.WriteLineAsync(
                $"note: signed for Host '{request.Uri.Authority}', as HttpClient sends it; a client that sends '{typedAuthority}' as typed is refused by G4 (pass --host to sign that).");
        }

        string typedPath = TypedPath(rawUrl);
        string sentPath = request.Uri.AbsolutePath;
        if (typedPath.Length > 0 && !string.Equals(typedPath, sentPath, StringComparison.Ordinal)
            && string.Equals(WithNormalisedEscapes(typedPath), WithNormalisedEscapes(sentPath), StringComparison.Ordinal))
        {
            await error.WriteLineAsync(
                $"note: signed the path as HttpClient sends it ('{sentPath}'); a client that sends '{typedPath}' as typed is refused by G4, which signs the path as sent " +
                "(G1–G3 decode escapes of unreserved characters and upper-case the others before signing, so both forms look the same to them). Send it as HttpClient does.");
        }

        if (fixedNonce is not null && (fixedNonce.Length > 32 || !fixedNonce.All(char.IsAsciiLetterOrDigit)))
        {
            await error.WriteLineAsync("warning: Magento stores nonces in a 32-character column: use at most 32 letters and digits.");
        }
    }

    private static string TypedAuthority(string rawUrl)
    {
        int start = rawUrl.IndexOf("://", StringComparison.Ordinal);
        if (start < 0)
        {
            return string.Empty;
        }

        string rest = rawUrl[(start + 3)..];
        int end = rest.IndexOfAny(['/', '?', '#']);
        string authority = end < 0 ? rest : rest[..end];
        int at = authority.LastIndexOf('@');
        return at < 0 ? authority : authority[(at + 1)..];
    }

    /// <summary>The path as typed in the URL argument (empty when there is none), before System.Uri normalises it.</summary>
    private static string TypedPath(string rawUrl)
    {
        int start = rawUrl.IndexOf("://", StringComparison.Ordinal);
        int slash = start < 0 ? -1 : rawUrl.IndexOfAny(['/', '?', '#'], start + 3);
        if (slash < 0 || rawUrl[slash] != '/')
        {
            return string.Empty;
        }

        int end = rawUrl.IndexOfAny(['?', '#'], slash);
        return end < 0 ? rawUrl[slash..] : rawUrl[slash..end];
    }

    /// <summary>
    /// The path with escapes of unreserved characters decoded and the other escapes' hex digits upper-cased. System.Uri
    /// does this (upper-casing at least the escapes of non-ASCII bytes), and so do G1–G3 before signing (laminas-uri
    /// <c>Uri::normalizePath</c>, and F/Oauth/Helper/Uri/Http.php in G3); G4 (F/Oauth/Helper/Signature/Hmac.php
    /// <c>buildRequestUrl</c>) signs the path as sent. Two paths equal after this differ only where G4 sees it.
    /// </summary>
    private static string WithNormalisedEscapes(string path)
    {
        var text = new System.Text.StringBuilder(path.Length);
        for (int i = 0; i < path.Length; i++)
        {
            if (path[i] == '%' && i + 2 < path.Length && char.IsAsciiHexDigit(path[i + 1]) && char.IsAsciiHexDigit(path[i + 2]))
            {
                char decoded = (char)int.Parse(path.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                bool unreserved = char.IsAsciiLetterOrDigit(decoded) || decoded is '-' or '.' or '_' or '~';
                text.Append(unreserved ? decoded.ToString() : path.Substring(i, 3).ToUpperInvariant());
                i += 2;
            }
            else
            {
                text.Append(path[i]);
            }
        }

        return text.ToString();
    }

    /// <summary>The --explain text.</summary>
    private static class Explanation
    {
        public static string Format(in OAuthRequest request, OAuthSignatureDetails details, string? body)
        {
            var text = new System.Text.StringBuilder();
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Request:          {request.Method} {request.Uri.AbsoluteUri}");
            if (body is not null)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"Form body:        {body}");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"Profile:          {ProfileName(request.Profile)}");
            text.AppendLine(CultureInfo.InvariantCulture, $"Signature method: {OAuthSigner.GetWireName(request.SignatureMethod)}");
            text.AppendLine("Parameters (percent-encoded, in signing order):");
            int width = details.Parameters.Count == 0 ? 0 : details.Parameters.Max(p => p.Key.Length);
            foreach (var (name, value) in details.Parameters)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {name.PadRight(width)}  {value}");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"Base string URI:  {details.BaseUri}");
            text.AppendLine("Base string:");
            text.AppendLine(CultureInfo.InvariantCulture, $"  {details.BaseString}");
            text.AppendLine(CultureInfo.InvariantCulture, $"Signing key:      {details.MaskedSigningKey}");
            text.AppendLine(CultureInfo.InvariantCulture, $"Signature:        {details.Signature}");
            return text.ToString();
        }

        private static string ProfileName(SignatureProfile profile) => profile switch
        {
            SignatureProfile.MagentoG1 => "g1 (Magento 2.4.0–2.4.3, laminas-oauth)",
            SignatureProfile.MagentoG2 => "g2 (Magento 2.4.4–≈2.4.7, laminas-oauth, HMAC-SHA256 only)",
            SignatureProfile.MagentoG3 => "g3 (Magento ≈2.4.7-pN, own URL normaliser)",
            SignatureProfile.MagentoG4 => "g4 (Magento ≈2.4.8+, native signer)",
            _ => "rfc5849 (RFC 5849; every Magento generation agrees unless warned below)",
        };
    }
}
