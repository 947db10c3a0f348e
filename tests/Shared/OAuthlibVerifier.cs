using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MagentoOAuth.Tests.Interop;

/// <summary>A signed request, as it went on the wire, for an independent implementation to verify.</summary>
public sealed record SignedRequest(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("authorization")] string Authorization,
    [property: JsonPropertyName("consumer_secret")] string ConsumerSecret,
    [property: JsonPropertyName("token_secret")] string? TokenSecret,
    [property: JsonPropertyName("body")] string? Body = null,
    [property: JsonPropertyName("content_type")] string? ContentType = null);

/// <summary>oauthlib's verdict on one request.</summary>
public sealed record Verdict(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("base_string")] string? BaseString,
    [property: JsonPropertyName("error")] string? Error);

/// <summary>
/// Runs tests/interop/oauthlib_verify.py with Debian's python3 and python3-oauthlib (which .ci/run installs). A missing
/// interpreter or library fails the test with the install command: an interop check that silently passes proves nothing.
/// </summary>
public static class OAuthlibVerifier
{
    private const string Python = "/usr/bin/python3";

    public static IReadOnlyList<Verdict> Verify(IReadOnlyList<SignedRequest> requests)
    {
        string script = Path.Combine(RepositoryRoot(), "tests", "interop", "oauthlib_verify.py");
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing: apt-get install -y python3 python3-oauthlib");
        }

        var start = new ProcessStartInfo(Python, [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("PYTHONPATH");
        using Process process = Process.Start(start)!;
        process.StandardInput.Write(JsonSerializer.Serialize(requests));
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("oauthlib_verify.py did not finish within 60 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"oauthlib_verify.py failed (is python3-oauthlib installed? apt-get install -y python3-oauthlib): {errors.Result}");
        }

        return JsonSerializer.Deserialize<List<Verdict>>(output.Result)!;
    }

    /// <summary>Verifies and fails with oauthlib's base string and the request when any signature does not verify.</summary>
    public static void AssertAllVerify(params SignedRequest[] requests)
    {
        IReadOnlyList<Verdict> verdicts = Verify(requests);
        var failures = requests.Zip(verdicts).Where(p => !p.Second.Ok).Select(p =>
            $"{p.First.Method} {p.First.Url}\n  header: {p.First.Authorization}\n  body: {p.First.Body}\n  oauthlib: {p.Second.Error ?? p.Second.BaseString}").ToList();
        Assert.True(failures.Count == 0, "oauthlib refused:\n" + string.Join("\n", failures));
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MagentoOAuth.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (MagentoOAuth.slnx) above " + AppContext.BaseDirectory);
    }
}
