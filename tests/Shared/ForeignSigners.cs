using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MagentoOAuth.Tests.Interop;

/// <summary>What an independent OAuth 1.0a client is asked to sign (maybe a mistaken version of what is then sent).</summary>
public sealed record SignInput(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("consumer_key")] string ConsumerKey,
    [property: JsonPropertyName("consumer_secret")] string ConsumerSecret,
    [property: JsonPropertyName("token")] string? Token = null,
    [property: JsonPropertyName("token_secret")] string? TokenSecret = null,
    [property: JsonPropertyName("body")] string? Body = null,
    [property: JsonPropertyName("content_type")] string? ContentType = null,
    [property: JsonPropertyName("signature_method")] string SignatureMethod = "HMAC-SHA256",
    [property: JsonPropertyName("nonce")] string Nonce = "n0nce0123456789abcdefghijklmnopq",
    [property: JsonPropertyName("timestamp")] long Timestamp = 1_700_000_000,
    [property: JsonPropertyName("sort_decoded")] bool SortDecoded = false,
    [property: JsonPropertyName("base_uri")] string? BaseUri = null);

/// <summary>
/// Signs with implementations we did not write: oauthlib (tests/interop/oauthlib_sign.py, Debian's python3-oauthlib)
/// and PHP's pecl OAuth (tests/interop/pecl_sign.php, Debian's php-oauth), which test.sh installs. A missing one fails
/// the test with the install command.
/// </summary>
public static class ForeignSigners
{
    public static IReadOnlyList<string> OAuthlib(params SignInput[] inputs) =>
        Run("/usr/bin/python3", "oauthlib_sign.py", inputs, "apt-get install -y python3 python3-oauthlib");

    public static IReadOnlyList<string> Pecl(params SignInput[] inputs) =>
        Run("/usr/bin/php", "pecl_sign.php", inputs, "apt-get install -y php-cli php-oauth");

    private static List<string> Run(string interpreter, string script, SignInput[] inputs, string install)
    {
        if (!File.Exists(interpreter))
        {
            throw new InvalidOperationException($"{interpreter} is missing: {install}");
        }

        var start = new ProcessStartInfo(interpreter, [Path.Combine(OAuthlibVerifier.RepositoryRoot(), "tests", "interop", script)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("PYTHONPATH");
        using Process process = Process.Start(start)!;
        process.StandardInput.Write(JsonSerializer.Serialize(inputs));
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within 60 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed ({install}?): {errors.Result}");
        }

        using JsonDocument results = JsonDocument.Parse(output.Result);
        var headers = new List<string>();
        foreach (JsonElement result in results.RootElement.EnumerateArray())
        {
            headers.Add(result.TryGetProperty("authorization", out JsonElement header)
                ? header.GetString()!
                : throw new InvalidOperationException($"{script}: {result.GetProperty("error").GetString()}"));
        }

        return headers;
    }
}
