using System.Diagnostics;
using System.Text.Json.Nodes;
using MagentoOAuth.Tests.Interop;

namespace MagentoOAuth.Sandbox.Tests;

/// <summary>
/// The whole activation flow with an OAuth client we did not write: PHP's pecl OAuth class (Debian's php-oauth, which
/// .ci/run installs), driving request token, access token and signed REST calls against the sandbox.
/// </summary>
public sealed class PhpOAuthInteropTests : SandboxTestBase
{
    [Fact]
    public async Task Php_oauth_gets_tokens_and_makes_signed_calls()
    {
        var posted = await ActivatedAsync();

        JsonObject result = await RunPhpAsync(posted["store_base_url"], posted["oauth_consumer_key"], posted["oauth_consumer_secret"], posted["oauth_verifier"]);

        Assert.True((bool)result["ok"]!, result.ToJsonString());
        Assert.Equal(Sandbox.BaseUrl.AbsoluteUri, (string)result["base_url"]!);
        Assert.Equal(2, (int)result["product_count"]!);
        JsonObject integration = await GetIntegrationAsync(1);
        Assert.Equal("active", (string)integration["status"]!);
        Assert.Equal((string)result["access_token"]!, (string)integration["accessToken"]!);
    }

    [Fact]
    public async Task Php_oauth_sees_magentos_refusal_when_the_consumer_has_expired()
    {
        var posted = await ActivatedAsync();
        Time.Advance(TimeSpan.FromMinutes(6));

        JsonObject result = await RunPhpAsync(posted["store_base_url"], posted["oauth_consumer_key"], posted["oauth_consumer_secret"], posted["oauth_verifier"]);

        Assert.False((bool)result["ok"]!);
        Assert.Equal("oauth_problem=Consumer+key+has+expired", (string)result["response"]!);
    }

    private static async Task<JsonObject> RunPhpAsync(params string[] args)
    {
        const string php = "/usr/bin/php";
        if (!File.Exists(php))
        {
            throw new InvalidOperationException($"{php} is missing: apt-get install -y php-cli php-oauth (./test.sh does this).");
        }

        string script = Path.Combine(OAuthlibVerifier.RepositoryRoot(), "tests", "interop", "php_oauth_flow.php");
        var start = new ProcessStartInfo(php, [script, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task<string> output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        Task<string> errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        string text = await output;
        Assert.True(text.Length > 0, "php printed nothing; is php-oauth installed? " + await errors);
        return JsonNode.Parse(text)!.AsObject();
    }
}
