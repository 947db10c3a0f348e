using System.Globalization;
using System.Security.Cryptography;
using MagentoOAuth.Signing;

namespace MagentoOAuth.Diagnostics;

/// <summary>
/// "Why does Magento refuse my request?" for a request made by any client: recomputes its signature as RFC 5849 and
/// each Magento signer generation would, and when none matches, tries the known client mistakes
/// (<see cref="ClientMistake"/>) to find the one that gives the signature it carries. Pure: no network, no clock.
/// </summary>
public static class SignatureVerifier
{
    private static readonly SignatureProfile[] Profiles =
        [SignatureProfile.Rfc5849, SignatureProfile.MagentoG1, SignatureProfile.MagentoG2, SignatureProfile.MagentoG3, SignatureProfile.MagentoG4];

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "oauth_consumer_key", "oauth_nonce", "oauth_signature", "oauth_signature_method", "oauth_timestamp", "oauth_token", "oauth_verifier", "oauth_version",
    };

    /// <summary>Checks the signature of <paramref name="request"/>.</summary>
    /// <param name="request">The request as its client sent it.</param>
    /// <param name="consumerSecret">The integration's consumer secret.</param>
    /// <param name="tokenSecret">The token secret, when the request carries <c>oauth_token</c>.</param>
    /// <param name="generation">The store's generation when known (from <c>magento-oauth doctor</c>); then only it counts.</param>
    /// <exception cref="ArgumentException">A secret the request needs is missing, or the request carries parameters this check cannot reproduce.</exception>
    public static SignatureVerification Verify(CapturedRequest request, string consumerSecret, string? tokenSecret = null, SignatureProfile? generation = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(consumerSecret);
        var problems = new List<string>();
        string? authorization = request.Header("Authorization");
        List<KeyValuePair<string, string>> header = OAuthHeaderParameters.IsOAuth(authorization) ? OAuthHeaderParameters.Parse(authorization!) : [];
        List<CarriedParameter> carried = Carried(request, header);
        string Get(string name) => header.LastOrDefault(p => p.Key == name).Value;

        if (header.Count == 0)
        {
            bool elsewhere = carried.Any(p => p.Name.StartsWith("oauth_", StringComparison.Ordinal));
            problems.Add(elsewhere
                ? "The OAuth parameters are in the query or body: Magento reads them only from an 'Authorization: OAuth …' header (F/Oauth/Helper/Request.php), so it reports them all missing."
                : "The request has no 'Authorization: OAuth …' header: Magento treats it as a guest.");
            return Empty(carried, problems);
        }

        foreach (string required in (string[])["oauth_consumer_key", "oauth_signature", "oauth_signature_method", "oauth_nonce", "oauth_timestamp"])
        {
            if (string.IsNullOrEmpty(Get(required)))
            {
                problems.Add($"\"{required}\" is missing from the Authorization header (Magento: \"{required}\" is required. Enter and try again.).");
            }
        }

        if (header.FirstOrDefault(p => !Known.Contains(p.Key)) is { Key: { } unknown })
        {
            throw new ArgumentException($"the Authorization header carries {unknown}, which this check cannot reproduce yet; Magento signs it, so check the request without it.");
        }

        string method = Get("oauth_signature_method") ?? string.Empty;
        if (method is not ("HMAC-SHA256" or "HMAC-SHA1") && method.Length > 0)
        {
            problems.Add($"oauth_signature_method is '{method}': Magento accepts only HMAC-SHA256 (and HMAC-SHA1 before 2.4.4), case-sensitively.");
        }

        if (Get("oauth_version") is { } version && version != "1.0")
        {
            problems.Add($"oauth_version is '{version}': Magento refuses anything but 1.0 (400 \"The \\\"{version}\\\" Oauth version isn't supported.\").");
        }

        if (!long.TryParse(Get("oauth_timestamp"), NumberStyles.None, CultureInfo.InvariantCulture, out long timestamp) || timestamp <= 0)
        {
            if (!string.IsNullOrEmpty(Get("oauth_timestamp")))
            {
                problems.Add("oauth_timestamp is not a positive whole number of seconds since 1970: Magento refuses it (\"An error occurred validating the nonce\").");
            }
        }

        if (problems.Count > 0)
        {
            return Empty(carried, problems);
        }

        string? token = Get("oauth_token");
        if (token is { Length: > 0 } && string.IsNullOrEmpty(tokenSecret))
        {
            throw new ArgumentException("the request carries oauth_token, so its token secret is needed too.");
        }

        var credentials = new OAuthCredentials(Get("oauth_consumer_key"), consumerSecret, string.IsNullOrEmpty(token) ? null : token, string.IsNullOrEmpty(token) ? null : tokenSecret);
        string hostSent = request.Header("Host") ?? TypedAuthority(request.Url);
        var correct = new OAuthRequest(request.Method, request.Uri)
        {
            FormBody = request.HasFormBody ? request.Body : null,
            Verifier = Get("oauth_verifier"),
            Nonce = Get("oauth_nonce"),
            Timestamp = timestamp,
            Host = hostSent == DefaultHost(request.Uri) ? null : hostSent,
            OmitVersion = Get("oauth_version") is null,
            SignatureMethod = method == "HMAC-SHA1" ? OAuthSignatureMethod.HmacSha1 : OAuthSignatureMethod.HmacSha256,
        };

        byte[]? signature = Decode(Get("oauth_signature"));
        if (correct.SignatureMethod == OAuthSignatureMethod.HmacSha1)
        {
            problems.Add("The request is signed with HMAC-SHA1: only Magento 2.4.0–2.4.3 accept it; 2.4.4 and later answer 400 \"Signature method HMAC-SHA1 is not supported\". Sign with HMAC-SHA256.");
        }

        var verdicts = new List<GenerationVerdict>();
        foreach (SignatureProfile profile in Profiles)
        {
            bool reachable = profile != SignatureProfile.Rfc5849
                && (generation is null || generation == profile)
                && (correct.SignatureMethod == OAuthSignatureMethod.HmacSha256 || profile == SignatureProfile.MagentoG1);
            verdicts.Add(new GenerationVerdict(profile, reachable, Matches(correct with { Profile = profile }, credentials, signature)));
        }

        // A SHA1-signed request is refused by G2–G4 before its signature counts; it "verifies" only where G1 is reachable.
        if (correct.SignatureMethod == OAuthSignatureMethod.HmacSha1 && verdicts.Any(v => v.Reachable))
        {
            problems.Clear();
        }

        List<ClientMistake> mistakes = FindMistakes(request, correct, credentials, hostSent, signature, verdicts);
        SignatureProfile shown = generation ?? verdicts.FirstOrDefault(v => v.Reachable && !v.SignatureValid)?.Profile ?? SignatureProfile.Rfc5849;
        return new SignatureVerification
        {
            Parameters = carried,
            SignatureMethod = method,
            Verdicts = verdicts,
            Mistakes = mistakes,
            Problems = problems,
            ExpectedBaseString = OAuthSigner.Default.Explain(correct with { Profile = shown }, credentials).BaseString,
            ExpectedProfile = shown,
            Notes = PathNotes(request),
        };
    }

    private static List<ClientMistake> FindMistakes(
        CapturedRequest captured, OAuthRequest correct, OAuthCredentials credentials, string hostSent, byte[]? signature, List<GenerationVerdict> verdicts)
    {
        var found = new List<ClientMistake>();
        if (signature is { Length: 20 } && correct.SignatureMethod == OAuthSignatureMethod.HmacSha256)
        {
            // 160 bits: the client computed HMAC-SHA1 while naming HMAC-SHA256.
            found.Add(ClientMistakes.All.First(r => r.Mistake.Id == "hmac-sha1").Mistake);
        }
        else if (correct.SignatureMethod == OAuthSignatureMethod.HmacSha1)
        {
            // Right for 2.4.0–2.4.3 at most: name the mistake even when the signature itself is right.
            found.Add(ClientMistakes.All.First(r => r.Mistake.Id == "hmac-sha1").Mistake);
        }

        if (verdicts.Where(v => v.Reachable).All(v => v.SignatureValid) && verdicts.Any(v => v.Reachable))
        {
            return found;
        }

        foreach (ClientMistakes.Rule rule in ClientMistakes.All)
        {
            // A mistake is named for the generations it fails on, even when it happens to be right for another (names
            // sorted decoded is G4's order): with --signer only the store's own generation counts, and a request right
            // for it has no mistake.
            if (found.Contains(rule.Mistake))
            {
                continue;
            }

            foreach (GenerationVerdict verdict in verdicts.Where(v => !v.SignatureValid && (v.Reachable || v.Profile == SignatureProfile.Rfc5849)))
            {
                var basis = new ClientMistakes.Basis(correct with { Profile = verdict.Profile }, credentials, captured, hostSent);
                if (Reproduces(rule, basis, signature))
                {
                    found.Add(rule.Mistake);
                    break;
                }
            }
        }

        return found;
    }

    /// <summary>A variant that cannot be built (a URL that no longer parses, a host HTTP cannot send) reproduces nothing.</summary>
    private static bool Reproduces(ClientMistakes.Rule rule, ClientMistakes.Basis basis, byte[]? signature)
    {
        try
        {
            return rule.Variants(basis).Any(attempt => Matches(attempt.Request, attempt.Credentials, signature));
        }
        catch (Exception e) when (e is ArgumentException or UriFormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// System.Uri decodes escapes of unreserved characters and upper-cases the others; G4 signs the path as the client
    /// sent it, so for such a path its verdict is for the normalised form.
    /// </summary>
    private static List<string> PathNotes(CapturedRequest request)
    {
        string typed = request.Url[(request.Url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        int slash = typed.IndexOf('/', StringComparison.Ordinal);
        typed = slash < 0 ? "/" : typed[slash..];
        int end = typed.IndexOfAny(['?', '#']);
        typed = end < 0 ? typed : typed[..end];
        return typed == request.Uri.AbsolutePath
            ? []
            : [$"the path was sent as '{typed}'; the verdicts are for '{request.Uri.AbsolutePath}', as .NET normalises it (G1–G3 do the same; G4 signs the path exactly as sent, so a G4 store may refuse what shows valid here)."];
    }

    private static bool Matches(in OAuthRequest request, OAuthCredentials credentials, byte[]? signature)
    {
        if (signature is null)
        {
            return false;
        }

        byte[] computed = Convert.FromBase64String(OAuthSigner.Default.Explain(request, credentials).Signature);
        return CryptographicOperations.FixedTimeEquals(computed, signature);
    }

    private static byte[]? Decode(string? signature)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static SignatureVerification Empty(List<CarriedParameter> carried, List<string> problems) => new()
    {
        Parameters = carried,
        SignatureMethod = carried.LastOrDefault(p => p.Name == "oauth_signature_method")?.Value ?? string.Empty,
        Verdicts = [],
        Mistakes = [],
        Problems = problems,
        ExpectedBaseString = string.Empty,
    };

    private static List<CarriedParameter> Carried(CapturedRequest request, List<KeyValuePair<string, string>> header)
    {
        var carried = header.Select(p => new CarriedParameter("header", p.Key, p.Value)).ToList();
        string query = request.Uri.Query.Length > 1 ? request.Uri.Query[1..] : string.Empty;
        carried.AddRange(Pairs(query).Select(p => new CarriedParameter("query", p.Key, p.Value)));
        if (request.HasFormBody)
        {
            carried.AddRange(Pairs(request.Body!).Select(p => new CarriedParameter("body", p.Key, p.Value)));
        }

        return carried;
    }

    private static IEnumerable<KeyValuePair<string, string>> Pairs(string text)
    {
        foreach (string pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? pair : pair[..equals];
            string value = equals < 0 ? string.Empty : pair[(equals + 1)..];
            yield return new(Unescape(name), Unescape(value));
        }
    }

    private static string Unescape(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            return text;
        }
    }

    private static string DefaultHost(Uri uri)
    {
        string host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        return uri.IsDefaultPort ? host : host + ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The authority as typed in the URL, which is what curl sends as Host.</summary>
    private static string TypedAuthority(string url)
    {
        int start = url.IndexOf("://", StringComparison.Ordinal) + 3;
        string rest = url[start..];
        int end = rest.IndexOfAny(['/', '?', '#']);
        string authority = end < 0 ? rest : rest[..end];
        int at = authority.LastIndexOf('@');
        return at < 0 ? authority : authority[(at + 1)..];
    }
}
