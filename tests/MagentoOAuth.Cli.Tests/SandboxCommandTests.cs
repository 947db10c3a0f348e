namespace MagentoOAuth.Cli.Tests;

public sealed class SandboxCommandTests
{
    [Fact]
    public async Task Sandbox_prints_where_its_admin_is_serves_it_and_stops_on_cancel()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task<int> run = CliApp.RunAsync(["sandbox", "--urls", "http://127.0.0.1:0"], output, error, stop.Token);

        string banner = string.Empty;
        for (int i = 0; i < 200 && !banner.Contains("Press Ctrl+C", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
            banner = output.ToString();
        }

        Assert.Contains("Press Ctrl+C", banner, StringComparison.Ordinal);
        string admin = banner.Split('\n').Single(l => l.TrimStart().StartsWith("Admin:", StringComparison.Ordinal)).Split("Admin:")[1].Trim();
        Assert.Matches("^http://127\\.0\\.0\\.1:[0-9]+/admin$", admin);
        Assert.Contains("sandbox/api/integrations", banner, StringComparison.Ordinal);

        using var http = new HttpClient();
        Assert.Contains("Add New Integration", await http.GetStringAsync(admin), StringComparison.Ordinal);

        await stop.CancelAsync();
        Assert.Equal(0, await run);
    }

    [Fact]
    public async Task Broken_store_options_are_parsed_shown_in_the_banner_and_in_effect()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task<int> run = CliApp.RunAsync(
            ["sandbox", "--urls", "http://127.0.0.1:0", "--strip-authorization", "--basic-auth", "staging:pa:ss", "--redirect-to", "https://www.shop.example/",
             "--no-magento-version", "--no-rewrites", "--clock-offset", "-120"],
            output, error, stop.Token);

        string banner = string.Empty;
        for (int i = 0; i < 200 && !banner.Contains("Press Ctrl+C", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
            banner = output.ToString();
        }

        Assert.Contains("Authorization header stripped, basic auth as staging, 301 to https://www.shop.example/, no /magento_version, no rewrites: /index.php/ only, clock -120 s", banner, StringComparison.Ordinal);
        Assert.DoesNotContain("pa:ss", banner, StringComparison.Ordinal);
        string admin = banner.Split('\n').Single(l => l.TrimStart().StartsWith("Admin:", StringComparison.Ordinal)).Split("Admin:")[1].Trim();

        using var http = new HttpClient();
        string store = await http.GetStringAsync(admin.Replace("admin", "sandbox/api/store", StringComparison.Ordinal));
        Assert.Equal(
            """{"stripAuthorization":true,"basicAuth":"staging:pa:ss","redirectTo":"https://www.shop.example/","exposeVersion":false,"requireIndexPhp":true,"allowBearer":false,"clockOffsetSeconds":-120,"signer":"g4"}""",
            store);

        await stop.CancelAsync();
        Assert.Equal(0, await run);
    }

    [Theory]
    [InlineData("--signer", "g9")]
    [InlineData("--consumer-expiry", "0")]
    [InlineData("--urls", "ftp://127.0.0.1:1")]
    [InlineData("--basic-auth", "nocolon")]
    [InlineData("--basic-auth", ":password")]
    [InlineData("--redirect-to", "https://www.shop.example")]
    [InlineData("--redirect-to", "ftp://www.shop.example/")]
    [InlineData("--redirect-to", "/relative/")]
    [InlineData("--clock-offset", "2000000000")]
    public async Task Bad_sandbox_options_exit_2_with_one_line(string option, string value)
    {
        var result = await CliRunner.RunAsync("sandbox", option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        if (option is "--basic-auth" or "--redirect-to" or "--clock-offset")
        {
            Assert.Contains(option, result.Error, StringComparison.Ordinal);
        }
    }
}
