using MagentoOAuth.Cli;
using MagentoOAuth.Operations.Webhooks;

namespace MagentoOAuth.Operations.Tests.Webhooks;

/// <summary>What is accepted as webhook settings, from the options and from <c>serve</c>'s command line, and the retry delays.</summary>
public sealed class WebhookOptionsTests : IDisposable
{
    private const string GoodSecret = "an-hmac-secret-of-well-over-32-bytes-for-tests";
    private readonly string _directory = Directory.CreateTempSubdirectory("magento-oauth-webhook-options-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(null, GoodSecret, "Url must be an absolute http(s) URL")]
    [InlineData("ftp://hooks.example.com/", GoodSecret, "Url must be an absolute http(s) URL")]
    [InlineData("https://user:pw@hooks.example.com/", GoodSecret, "must not hold a user name or password")]
    [InlineData("https://hooks.example.com/", "short-secret-of-31-bytes-......", "at least 32 bytes (it is 31)")]
    [InlineData("https://hooks.example.com/", null, "at least 32 bytes (it is 0)")]
    public void Options_that_cannot_work_are_refused_by_name_without_showing_the_secret(string? url, string? secret, string message)
    {
        var options = new WebhookOptions { Url = url is null ? null : new Uri(url), Secret = secret };

        var result = new WebhookOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(secret ?? "\u0000", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Retry_delays_that_shrink_are_refused_and_good_options_pass()
    {
        Assert.True(new WebhookOptionsValidator().Validate(null, new WebhookOptions { Url = new Uri("http://127.0.0.1:9/hook?token=x"), Secret = GoodSecret }).Succeeded);
        var shrinking = new WebhookOptions { Url = new Uri("https://hooks.example.com/"), Secret = GoodSecret, InitialRetryDelay = TimeSpan.FromMinutes(1), MaxRetryDelay = TimeSpan.FromSeconds(1) };
        Assert.Contains("MaxRetryDelay", new WebhookOptionsValidator().Validate(null, shrinking).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_delay_doubles_from_the_first_up_to_the_cap_with_bounded_jitter()
    {
        var options = new WebhookOptions { InitialRetryDelay = TimeSpan.FromSeconds(2), MaxRetryDelay = TimeSpan.FromSeconds(60) };

        Assert.Equal([2, 4, 8, 16, 32, 60, 60], new[] { 1, 2, 3, 4, 5, 6, 40 }.Select(n => WebhookBackoff.Delay(options, n, 0.5).TotalSeconds));
        Assert.Equal(1.5, WebhookBackoff.Delay(options, 1, 0).TotalSeconds);
        Assert.True(WebhookBackoff.Delay(options, 1, 0.999999).TotalSeconds is > 2.49 and < 2.5);
        Assert.Equal(60, WebhookBackoff.Delay(options, 100_000, 0.999999).TotalSeconds); // jitter never passes the cap
    }

    [Theory]
    [InlineData(null, "cannot be read: it does not exist")]
    [InlineData("", "is empty")]
    [InlineData("  \n", "is empty")]
    [InlineData("0123456789abcdef0123456789abcde\n", "holds a secret of 31 bytes; at least 32 are needed")]
    public async Task Serve_refuses_a_missing_empty_or_short_secret_file_and_never_prints_it(string? content, string message)
    {
        string file = Path.Combine(_directory, "webhook.secret");
        if (content is not null)
        {
            await File.WriteAllTextAsync(file, content);
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await CliApp.RunAsync(["serve", "--db", Path.Combine(_directory, "never-opened.db"), "--webhook", "http://127.0.0.1:9/hook", "--webhook-secret-file", file], output, error);

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains($"--webhook-secret-file '{file}' {message}", error.ToString(), StringComparison.Ordinal);
        if (!string.IsNullOrWhiteSpace(content))
        {
            Assert.DoesNotContain(content.Trim(), error.ToString(), StringComparison.Ordinal);
        }

        Assert.Empty(output.ToString());
        Assert.False(File.Exists(Path.Combine(_directory, "never-opened.db")), "refused before the database is touched");
    }

    [Theory]
    [InlineData(new[] { "--webhook", "hooks.example.com/x" }, "--webhook must be an absolute http(s) URL")]
    [InlineData(new[] { "--webhook", "https://u:p@hooks.example.com/" }, "must not hold a user name or password")]
    [InlineData(new[] { "--webhook", "https://hooks.example.com/" }, "--webhook needs --webhook-secret-file FILE")]
    [InlineData(new[] { "--webhook-secret-file", "x" }, "--webhook-secret-file needs --webhook URL")]
    [InlineData(new[] { "--webhook", "https://hooks.example.com/", "--webhook-secret-file", "x", "--webhook-max-delay", "1s" }, "--webhook-max-delay '1s' is not a duration of at least 2s")]
    public async Task Serve_refuses_webhook_options_that_cannot_work(string[] options, string message)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await CliApp.RunAsync(["serve", "--db", Path.Combine(_directory, "never-opened.db"), .. options], output, error);

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }
}
