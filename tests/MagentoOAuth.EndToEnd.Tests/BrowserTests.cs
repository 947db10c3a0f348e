using System.Text.Json.Nodes;
using MagentoOAuth.Cli;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Storage;
using Microsoft.Playwright;

namespace MagentoOAuth.EndToEnd.Tests;

/// <summary>
/// The merchant's view in real headless Chromium (Debian's, which .ci/run installs): in the sandbox admin, Activate opens
/// our identity page in a popup; Confirm returns to Magento, the popup closes, and the grid shows the integration Active.
/// </summary>
public sealed class BrowserTests : EndToEndTestBase
{
    private const string Chromium = "/usr/bin/chromium";

    protected override SandboxOptions SandboxOptions => new() { SeparateStores = true };

    [Fact]
    public async Task Activate_in_the_admin_popup_confirm_close_active_then_call()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium (./test.sh does this).");
        JsonObject integration = await CreateIntegrationAsync("Browser app");

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
            Timeout = 60_000,
        });
        IPage admin = await browser.NewPageAsync();
        admin.SetDefaultTimeout(30_000);
        var violations = new List<string>();
        admin.Context.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                lock (violations)
                {
                    violations.Add(message.Text);
                }
            }
        };
        await admin.GotoAsync(new Uri(Sandbox.BaseUrl, "admin").AbsoluteUri);
        Assert.Equal("inactive", await admin.GetAttributeAsync("tr[data-integration-id='1'] td[data-status]", "data-status"));

        IPage popup = await admin.RunAndWaitForPopupAsync(() => admin.ClickAsync("tr[data-integration-id='1'] button:has-text('Activate')"));
        await popup.WaitForLoadStateAsync();
        Assert.StartsWith(EndpointUrl + "/magento/identity?oauth_consumer_key=" + (string)integration["consumerKey"]!, popup.Url, StringComparison.Ordinal);
        await popup.WaitForSelectorAsync("#status.active");
        Assert.Contains("Connected", await popup.InnerTextAsync("#status"), StringComparison.Ordinal);

        // The page runs under its Content-Security-Policy: its own (nonce) script ran, a script injected without the
        // nonce does not, and nothing of the page itself was refused.
        using (HttpResponseMessage page = await Http.GetAsync(popup.Url))
        {
            string policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'nonce-", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        }

        Assert.Equal("1", await popup.EvaluateAsync<string?>("() => document.documentElement.getAttribute('data-live')"));
        Assert.Empty(violations);
        await popup.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = \"document.documentElement.setAttribute('data-injected', '1')\"; document.head.appendChild(s); }");
        Assert.Null(await popup.EvaluateAsync<string?>("() => document.documentElement.getAttribute('data-injected')"));
        for (int i = 0; i < 100 && violations.Count == 0; i++)
        {
            await Task.Delay(50); // the console report of the refusal arrives on its own
        }

        Assert.NotEmpty(violations);
        await popup.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "identity-page.png") });

        var closed = new TaskCompletionSource();
        popup.Close += (_, _) => closed.TrySetResult();
        await popup.ClickAsync("#confirm");
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await admin.WaitForSelectorAsync("tr[data-integration-id='1'] td[data-status='active']");
        await admin.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "admin-active.png") });

        StoreConnection store = await WaitForActiveAsync((string)integration["consumerKey"]!);
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CliApp.RunAsync(["call", store.StoreBaseUrl, "GET", "/V1/store/storeConfigs", "--db", DatabasePath], output, error);
        Assert.True(exit == 0, error.ToString());
        Assert.Equal(store.StoreBaseUrl, (string)JsonNode.Parse(output.ToString())![0]!["base_url"]!);
    }
}
