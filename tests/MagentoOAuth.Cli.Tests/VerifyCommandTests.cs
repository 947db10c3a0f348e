using System.Text.Json;
using MagentoOAuth.Tests.Interop;

namespace MagentoOAuth.Cli.Tests;

/// <summary><c>magento-oauth verify</c>: exit codes, text and JSON, on requests signed by oauthlib.</summary>
public sealed class VerifyCommandTests
{
    private const string Url = "https://shop.example.com/rest/V1/products?searchCriteria%5BpageSize%5D=5";

    private static string Header(string url) =>
        ForeignSigners.OAuthlib(new SignInput("GET", url, "ck0123456789abcdefghijklmnopqrst", "cs0123456789abcdefghijklmnopqrst", "tk0123456789abcdefghijklmnopqrst", "ts0123456789abcdefghijklmnopqrst"))[0];

    [Fact]
    public async Task A_right_signature_exits_0_and_says_verified()
    {
        CliRunner.Result result = await CliRunner.RunAsync("verify", "--consumer-secret", "cs0123456789abcdefghijklmnopqrst", "--token-secret", "ts0123456789abcdefghijklmnopqrst",
            "--curl", $"curl '{Url}' -H '{"Authorization: " + Header(Url)}'");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("verified: the signature is right for g1, g2, g3, g4.", result.Output, StringComparison.Ordinal);
        Assert.Contains("query   searchCriteria[pageSize]", result.Output, StringComparison.Ordinal);
        Assert.Contains("tk01…", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("tk0123456789abcdefghijklmnopqrst", result.Output, StringComparison.Ordinal); // nor in the base string
    }

    [Fact]
    public async Task A_mistake_exits_1_and_is_named_in_json()
    {
        string request = $"GET /rest/V1/products?searchCriteria%5BpageSize%5D=5 HTTP/1.1\nHost: shop.example.com\nAuthorization: {Header("https://shop.example.com/rest/V1/products")}\n\n";
        string file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, request);
        try
        {
            CliRunner.Result result = await CliRunner.RunAsync("verify", "--request", file, "--consumer-secret", "cs0123456789abcdefghijklmnopqrst", "--token-secret", "ts0123456789abcdefghijklmnopqrst", "--json");

            Assert.Equal(1, result.ExitCode);
            using JsonDocument json = JsonDocument.Parse(result.Output);
            Assert.False(json.RootElement.GetProperty("verified").GetBoolean());
            Assert.Equal("query-left-out", json.RootElement.GetProperty("mistakes")[0].GetProperty("id").GetString());
            Assert.Equal(5, json.RootElement.GetProperty("verdicts").GetArrayLength());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_signature_that_is_not_base64_is_not_verified_and_no_crash()
    {
        const string header = "OAuth oauth_consumer_key=\"ck0123456789abcdefghijklmnopqrst\", oauth_signature=\"@@not base64@@\", oauth_signature_method=\"HMAC-SHA256\", oauth_nonce=\"n\", oauth_timestamp=\"1700000000\"";
        CliRunner.Result result = await CliRunner.RunAsync("verify", "--consumer-secret", "s", "--curl", $"curl https://shop.example.com/rest/V1/orders -H '{"Authorization: " + header}'");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("g4       INVALID", result.Output, StringComparison.Ordinal);
        Assert.Empty(result.Error);
    }

    [Theory]
    [InlineData(new[] { "verify", "--consumer-secret", "s", "--curl", "curl https://x/ -H 'Authorization: OAuth oauth_callback=\"oob\", oauth_consumer_key=\"k\", oauth_signature=\"s\", oauth_signature_method=\"HMAC-SHA256\", oauth_nonce=\"n\", oauth_timestamp=\"1\"'" }, "oauth_callback")]
    [InlineData(new[] { "verify", "--consumer-secret", "s", "--curl", "curl https://x/ -H 'Host: shöp' -H 'Authorization: OAuth oauth_consumer_key=\"k\", oauth_signature=\"s\", oauth_signature_method=\"HMAC-SHA256\", oauth_nonce=\"n\", oauth_timestamp=\"1\"'" }, "printable ASCII only")]
    [InlineData(new[] { "verify", "--consumer-secret", "s" }, "exactly one of --curl")]
    [InlineData(new[] { "verify", "--consumer-secret", "s", "--curl", "wget x" }, "--curl: the command must start with 'curl'")]
    [InlineData(new[] { "verify", "--consumer-secret", "s", "--request", "/nonexistent/file" }, "does not exist")]
    [InlineData(new[] { "verify", "--consumer-secret", "s", "--curl", "curl https://x/ -H 'Authorization: OAuth oauth_token=\"t\", oauth_consumer_key=\"k\", oauth_signature=\"s\", oauth_signature_method=\"HMAC-SHA256\", oauth_nonce=\"n\", oauth_timestamp=\"1\"'" }, "--token-secret")]
    public async Task Bad_input_exits_2_with_one_line(string[] args, string message)
    {
        CliRunner.Result result = await CliRunner.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }
}

/// <summary>Every section the CLI's refusals link to exists in docs/troubleshooting.md (GitHub's heading anchors).</summary>
public sealed class TroubleshootingLinkTests
{
    [Fact]
    public void Every_anchor_the_cli_prints_is_a_heading_of_the_troubleshooting_guide()
    {
        string guide = File.ReadAllText(Path.Combine(OAuthlibVerifier.RepositoryRoot(), "docs", "troubleshooting.md"));
        var anchors = guide.Split('\n').Where(l => l.StartsWith('#')).Select(l => "#" + Slug(l.TrimStart('#').Trim())).ToHashSet();
        foreach (MagentoOAuth.Errors.MagentoProblem problem in Enum.GetValues<MagentoOAuth.Errors.MagentoProblem>())
        {
            string hint = MagentoOAuth.Cli.Commands.Troubleshooting.Hint(problem);
            int hash = hint.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                string anchor = hint[hash..hint.IndexOf(' ', hash)];
                Assert.True(anchors.Contains(anchor), $"{problem}: {anchor} is not a heading of docs/troubleshooting.md");
            }
        }
    }

    /// <summary>GitHub's slug: lower case, punctuation other than '-' and '_' dropped, each space a '-'.</summary>
    private static string Slug(string heading) =>
        new string([.. heading.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_')]).Replace(' ', '-');
}
