using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using MagentoOAuth.Cli.Commands;
using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations.Tests.Webhooks;

/// <summary>
/// The signature checks docs/webhooks.md gives for Python, Node and PHP, taken from the page as written and run on a
/// real delivery: each accepts it, and refuses a changed body or another secret.
/// </summary>
public sealed partial class WebhookSnippetTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("magento-oauth-snippets-").FullName;
    private WebhookReceiver.Delivery _delivery = null!;

    public async Task InitializeAsync()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await using WebApplication endpoint = ServeCommand.Build(new InMemoryCredentialStore(), "http://127.0.0.1:0", _ => { }, LogLevel.Warning,
            services: s => s.AddMagentoWebhooks(o =>
            {
                o.Url = new Uri(receiver.Url);
                o.Secret = WebhookDeliveryTests.Secret;
            }));
        await endpoint.StartAsync();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        await endpoint.Services.GetRequiredService<ConnectionLifecycle>().AddVerifiedAsync(new StoreConnection
        {
            Id = Guid.NewGuid(), StoreBaseUrl = "https://shöp.example.com/", ConsumerKey = Guid.NewGuid().ToString("N"), ConsumerSecret = "cs",
            AccessToken = "at", AccessTokenSecret = "ats", Status = StoreStatus.Active, Step = ExchangeStep.Verified, ReceivedAt = now, UpdatedAt = now,
            StoreName = "Bäckerei \"Zum Löwen\" <b>",
        });
        _delivery = (await receiver.WaitForAsync(got => got.Count == 1, TimeSpan.FromSeconds(60)))[0];
        await endpoint.StopAsync();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("python", "python3", """

        import sys
        with open(sys.argv[1], "rb") as s, open(sys.argv[2], "rb") as b:
            print("valid" if verify(s.read(), b.read(), sys.argv[3]) else "invalid")
        """)]
    [InlineData("js", "node", """

        const fs = require("node:fs");
        console.log(verify(fs.readFileSync(process.argv[2]), fs.readFileSync(process.argv[3]), process.argv[4]) ? "valid" : "invalid");
        """)]
    [InlineData("php", "php", """

        echo verify(file_get_contents($argv[1]), file_get_contents($argv[2]), $argv[3]) ? "valid" : "invalid";
        """)]
    public async Task The_documented_check_accepts_a_real_delivery_and_refuses_a_changed_one(string language, string program, string driver)
    {
        Assert.True(_delivery.SignedWith(WebhookDeliveryTests.Secret));
        string script = Path.Combine(_directory, "verify." + language);
        await File.WriteAllTextAsync(script, Snippet(language) + driver + "\n");
        string secret = await WriteAsync("secret", Encoding.UTF8.GetBytes(WebhookDeliveryTests.Secret));
        string body = await WriteAsync("body", _delivery.Body);
        byte[] changed = [.. _delivery.Body];
        changed[^2] ^= 1;
        string changedBody = await WriteAsync("changed", changed);
        string otherSecret = await WriteAsync("other", Encoding.UTF8.GetBytes(WebhookDeliveryTests.Secret + "x"));

        Assert.Equal("valid", await RunAsync(program, script, secret, body, _delivery.Signature));
        Assert.Equal("invalid", await RunAsync(program, script, secret, changedBody, _delivery.Signature));
        Assert.Equal("invalid", await RunAsync(program, script, otherSecret, body, _delivery.Signature));
        Assert.Equal("invalid", await RunAsync(program, script, secret, body, "sha256=" + new string('0', 64)));
    }

    /// <summary>The first code block of that language in docs/webhooks.md.</summary>
    private static string Snippet(string language)
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "docs", "webhooks.md")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        string page = File.ReadAllText(Path.Combine(directory ?? throw new FileNotFoundException("docs/webhooks.md"), "docs", "webhooks.md"));
        return Block().Matches(page).First(m => m.Groups[1].Value == language).Groups[2].Value;
    }

    [GeneratedRegex(@"```(\w+)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();

    private async Task<string> WriteAsync(string name, byte[] content)
    {
        string path = Path.Combine(_directory, name);
        await File.WriteAllBytesAsync(path, content);
        return path;
    }

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"{program} failed: {await error}");
        return output.Trim();
    }
}
