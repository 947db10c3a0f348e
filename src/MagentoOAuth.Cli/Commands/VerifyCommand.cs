using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MagentoOAuth.Diagnostics;
using MagentoOAuth.Signing;

namespace MagentoOAuth.Cli.Commands;

/// <summary>
/// <c>magento-oauth verify --curl '…' | --request FILE</c>: why Magento refuses a request made by any client. Exit 0
/// when the signature is right for every generation the request can reach, 1 when not, 2 for bad input.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var curl = new Option<string?>("--curl") { Description = "The request as a curl command line (\"Copy as cURL\" in a browser's network tab or in Postman; bash quoting). Quote it in single quotes.", HelpName = "'curl …'" };
        var requestFile = new Option<string?>("--request") { Description = "A file holding the raw HTTP/1.1 request (request line, headers, blank line, body), or - for standard input.", HelpName = "FILE" };
        var scheme = new Option<string>("--scheme") { Description = "For --request with a path target: the scheme it was sent with (http or https; default https).", DefaultValueFactory = _ => "https" };
        scheme.AcceptOnlyFromAmong("http", "https");
        var consumerSecret = new Option<string?>("--consumer-secret") { Description = "The consumer secret (or MAGENTO_OAUTH_CONSUMER_SECRET, to keep it out of shell history)." };
        var tokenSecret = new Option<string?>("--token-secret") { Description = "The access (or request) token secret, when the request carries oauth_token (or MAGENTO_OAUTH_TOKEN_SECRET)." };
        var signer = new Option<string?>("--signer") { Description = "The store's signer generation when known (g1–g4, as 'magento-oauth doctor' reports it): only that one counts." };
        signer.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "g1", "g2", "g3", "g4");
        var json = new Option<bool>("--json") { Description = "Print the findings as one JSON object on standard output." };
        var command = new Command("verify", "Tell why Magento refuses a signed request made by any client (Python, PHP, Node, Postman …).\n\n" +
            "Recomputes the signature the way RFC 5849 and each Magento signer generation (g1–g4) do, and when it does not match, " +
            "names the known client mistake that reproduces it (query left out, JSON body signed, http for https, …) and the fix. " +
            "Exit codes: 0 the signature is right for every generation the request can reach, 1 it is not, 2 bad input.\n\n" +
            "Examples:\n" +
            "  magento-oauth verify --consumer-secret S --token-secret TS --curl 'curl https://shop.example.com/rest/V1/orders -H \"Authorization: OAuth …\"'\n" +
            "  magento-oauth verify --request captured.http --consumer-secret S --token-secret TS --json\n" +
            "More: " + Troubleshooting.Url)
        {
            curl, requestFile, scheme, consumerSecret, tokenSecret, signer, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            CapturedRequest request = await ReadRequestAsync(parse.GetValue(curl), parse.GetValue(requestFile), parse.GetValue(scheme)!, cancellationToken);
            string secret = parse.GetValue(consumerSecret) ?? Environment.GetEnvironmentVariable("MAGENTO_OAUTH_CONSUMER_SECRET")
                ?? throw new CliUsageException("missing --consumer-secret (or set MAGENTO_OAUTH_CONSUMER_SECRET).");
            string? token = parse.GetValue(tokenSecret) ?? Environment.GetEnvironmentVariable("MAGENTO_OAUTH_TOKEN_SECRET");
            SignatureProfile? generation = parse.GetValue(signer)?.ToLowerInvariant() switch
            {
                "g1" => SignatureProfile.MagentoG1,
                "g2" => SignatureProfile.MagentoG2,
                "g3" => SignatureProfile.MagentoG3,
                "g4" => SignatureProfile.MagentoG4,
                _ => null,
            };

            SignatureVerification result;
            try
            {
                result = SignatureVerifier.Verify(request, secret, string.IsNullOrEmpty(token) ? null : token, generation);
            }
            catch (ArgumentException e)
            {
                throw new CliUsageException(e.Message.Contains("token secret", StringComparison.Ordinal)
                    ? "the request carries oauth_token: give its secret with --token-secret (or MAGENTO_OAUTH_TOKEN_SECRET)."
                    : e.Message.Split(" (Parameter", 2)[0]);
            }

            TextWriter output = parse.InvocationConfiguration.Output;
            await output.WriteAsync(parse.GetValue(json) ? Json(request, result) : Text(request, result));
            return result.Verified ? CliApp.Success : CliApp.Failure;
        });
        return command;
    }

    private static async Task<CapturedRequest> ReadRequestAsync(string? curl, string? file, string scheme, CancellationToken cancellationToken)
    {
        if ((curl is null) == (file is null))
        {
            throw new CliUsageException("give the request with exactly one of --curl 'curl …' or --request FILE (- for standard input).");
        }

        try
        {
            if (curl is not null)
            {
                return CapturedRequest.FromCurl(curl);
            }

            string text;
            try
            {
                text = file == "-" ? await Console.In.ReadToEndAsync(cancellationToken)
                    : File.Exists(file) ? await File.ReadAllTextAsync(file!, cancellationToken)
                    : throw new CliUsageException($"--request file '{file}' does not exist.");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliUsageException($"--request file '{file}' cannot be read: {e.Message}");
            }

            return CapturedRequest.FromHttp(text, scheme);
        }
        catch (FormatException e)
        {
            throw new CliUsageException((curl is not null ? "--curl: " : "--request: ") + e.Message);
        }
    }

    /// <summary>The base string with the token shortened as in the parameter list: on a store that takes Bearer tokens it is a credential.</summary>
    private static string MaskedBaseString(SignatureVerification result)
    {
        string masked = result.ExpectedBaseString;
        foreach (CarriedParameter token in result.Parameters.Where(p => p.Name == "oauth_token" && p.Value.Length > 8))
        {
            masked = masked.Replace(Uri.EscapeDataString(Uri.EscapeDataString(token.Value)), token.Value[..4] + "…", StringComparison.Ordinal)
                .Replace(Uri.EscapeDataString(token.Value), token.Value[..4] + "…", StringComparison.Ordinal);
        }

        return masked;
    }

    private static string Shown(CarriedParameter p) =>
        p.Name == "oauth_token" && p.Value.Length > 8 ? p.Value[..4] + "…" : TerminalText.Safe(p.Value);

    private static string Text(CapturedRequest request, SignatureVerification result)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Request: {request.Method} {TerminalText.Safe(request.Url)}");
        if (result.Parameters.Count > 0)
        {
            text.AppendLine("Parameters:");
            int width = result.Parameters.Max(p => p.Name.Length);
            foreach (CarriedParameter p in result.Parameters)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {p.Source,-6}  {TerminalText.Safe(p.Name).PadRight(width)}  {Shown(p)}");
            }
        }

        if (result.Verdicts.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Signature ({result.SignatureMethod}):");
            foreach (GenerationVerdict v in result.Verdicts)
            {
                string note = v.Profile == SignatureProfile.Rfc5849 ? " (RFC 5849, for reference)" : v.Reachable ? string.Empty : " (not counted)";
                text.AppendLine(CultureInfo.InvariantCulture, $"  {v.Name,-8} {(v.SignatureValid ? "valid" : "INVALID")}{note}");
            }
        }

        foreach (string note in result.Notes)
        {
            text.AppendLine("note: " + TerminalText.Safe(note));
        }

        foreach (string problem in result.Problems)
        {
            text.AppendLine("problem: " + problem);
        }

        foreach (ClientMistake mistake in result.Mistakes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"mistake: {mistake.Id}: {mistake.Title}");
            text.AppendLine("  cause: " + mistake.Cause);
            text.AppendLine("  fix:   " + mistake.Fix);
        }

        if (result.ExpectedBaseString.Length > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Expected base string ({(result.ExpectedProfile == SignatureProfile.Rfc5849 ? "rfc5849" : "g" + (int)result.ExpectedProfile)}; token shortened):");
            text.AppendLine("  " + TerminalText.Safe(MaskedBaseString(result)));
        }

        var reachable = result.Verdicts.Where(v => v.Reachable).ToList();
        if (result.Verified)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"verified: the signature is right for {string.Join(", ", reachable.Select(v => v.Name))}.");
        }
        else if (reachable.Any(v => v.SignatureValid))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"not verified: right for {string.Join(", ", reachable.Where(v => v.SignatureValid).Select(v => v.Name))} only; stores running {string.Join(", ", reachable.Where(v => !v.SignatureValid).Select(v => v.Name))} refuse it. If you know the store's generation, pass --signer.");
        }
        else
        {
            text.AppendLine(result.Mistakes.Count > 0 || result.Problems.Count > 0
                ? "not verified: see above."
                : "not verified: no known mistake reproduces this signature; check the consumer secret and token secret (the newest, after a Reauthorize).");
        }

        text.AppendLine("More: " + Troubleshooting.Url);
        return text.ToString();
    }

    private static string Json(CapturedRequest request, SignatureVerification result)
    {
        var parameters = new JsonArray();
        foreach (CarriedParameter p in result.Parameters)
        {
            parameters.Add((JsonNode)new JsonObject { ["source"] = p.Source, ["name"] = p.Name, ["value"] = p.Name == "oauth_token" ? Shown(p) : p.Value });
        }

        var verdicts = new JsonArray();
        foreach (GenerationVerdict v in result.Verdicts)
        {
            verdicts.Add((JsonNode)new JsonObject { ["profile"] = v.Name, ["reachable"] = v.Reachable, ["valid"] = v.SignatureValid });
        }

        var mistakes = new JsonArray();
        foreach (ClientMistake m in result.Mistakes)
        {
            mistakes.Add((JsonNode)new JsonObject { ["id"] = m.Id, ["title"] = m.Title, ["cause"] = m.Cause, ["fix"] = m.Fix });
        }

        var root = new JsonObject
        {
            ["request"] = new JsonObject { ["method"] = request.Method, ["url"] = request.Url },
            ["parameters"] = parameters,
            ["signatureMethod"] = result.SignatureMethod,
            ["verdicts"] = verdicts,
            ["mistakes"] = mistakes,
            ["problems"] = new JsonArray([.. result.Problems.Select(p => (JsonNode?)JsonValue.Create(p))]),
            ["notes"] = new JsonArray([.. result.Notes.Select(n => (JsonNode?)JsonValue.Create(n))]),
            ["expectedBaseString"] = MaskedBaseString(result),
            ["expectedProfile"] = result.ExpectedProfile == SignatureProfile.Rfc5849 ? "rfc5849" : "g" + (int)result.ExpectedProfile,
            ["verified"] = result.Verified,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + Environment.NewLine;
    }
}
