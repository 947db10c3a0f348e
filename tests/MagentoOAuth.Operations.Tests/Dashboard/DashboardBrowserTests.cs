using MagentoOAuth.Storage;
using Microsoft.Playwright;

namespace MagentoOAuth.Operations.Tests.Dashboard;

/// <summary>
/// The dashboard in real headless Chromium (Debian's): sign in, find a store, see a failed one with its reason, open a
/// store page, run Check now; the list refreshing itself with JavaScript, and everything working without it. Each
/// screen is photographed: into MAGENTO_OAUTH_SCREENSHOTS (relative to the repository, e.g. docs/images) when set.
/// </summary>
public sealed class DashboardBrowserTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Sign_in_find_a_failed_store_open_a_store_and_Check_now()
    {
        StoreConnection real = await host.ActivateAsync("Browser shop");
        real = await host.ReauthorizeAsync(real);
        StoreConnection failed = await host.AddFailedAsync("https://garden-supplies.example/", "The store could not be reached before the consumer expired (300 s after the credentials arrived): the connection was refused. Click Reauthorize in the Magento admin to try again.");
        await host.AddRevokedAsync("https://boutique-lumiere.example/", "Boutique Lumière");
        await host.AddFailedAsync("https://spam-callback.example/", "Magento said \"Consumer key has expired\".");
        string key = await host.CreateKeyAsync(name: "ops-browser");

        await using Browser browser = await Browser.LaunchAsync(javaScript: true);
        IPage page = browser.Page;
        await page.GotoAsync(host.AdminUrl.AbsoluteUri);
        Assert.Equal(new Uri(host.AdminUrl, "/signin").AbsolutePath, new Uri(page.Url).AbsolutePath);

        // A wrong key: the form again, with a plain error.
        await page.FillAsync("#key", "mok_wrong");
        await page.ClickAsync("button:has-text('Sign in')");
        Assert.Contains("That key was not accepted", await page.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);
        await page.FillAsync("#key", key);
        await Shot(page, "signin");
        await page.ClickAsync("button:has-text('Sign in')");
        await page.WaitForSelectorAsync("h1:has-text('Stores')");

        // The stores waiting for a Reauthorize come first, with the path to click.
        string waiting = await page.InnerTextAsync("section[aria-labelledby=reauthorize-title]");
        Assert.Contains("garden-supplies.example", waiting, StringComparison.Ordinal);
        Assert.Contains("boutique-lumiere.example", waiting, StringComparison.Ordinal);
        Assert.Contains("System › Extensions › Integrations › the integration with consumer key " + failed.ConsumerKey[..4] + "… › Reauthorize", waiting, StringComparison.Ordinal);
        Assert.DoesNotContain("spam-callback", waiting, StringComparison.Ordinal);
        await Shot(page, "stores", fullPage: false);

        // Find the failed one: search and status filter, a GET form.
        await page.FillAsync("#q", "garden");
        await page.SelectOptionAsync("#status", "failed");
        await page.ClickAsync("button:has-text('Search')");
        await page.WaitForURLAsync("**/?q=garden&status=failed");
        ILocator row = page.Locator($"#stores tr[data-store-id='{failed.Id}']");
        Assert.Contains("failed", await row.Locator(".status").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("consumer expired", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("#stores tbody tr").CountAsync());
        await Shot(page, "search");

        // The real store's page: fields, history with the rotation; then Check now.
        await page.FillAsync("#q", real.StoreBaseUrl);
        await page.SelectOptionAsync("#status", "");
        await page.ClickAsync("button:has-text('Search')");
        await page.ClickAsync($"#stores tr[data-store-id='{real.Id}'] th a.url");
        await page.WaitForSelectorAsync("#history");
        Assert.Contains("rotated (Reauthorize)", await page.InnerTextAsync("#history"), StringComparison.Ordinal);
        Assert.Contains(real.ConsumerKey[..4] + "…", await page.InnerTextAsync("dl.fields"), StringComparison.Ordinal);
        await Shot(page, "store");

        await page.ClickAsync("button:has-text('Check now')");
        await page.WaitForSelectorAsync("#checks");
        Assert.Equal(10, await page.Locator("#checks tbody tr").CountAsync());
        Assert.Equal("pass", await page.GetAttributeAsync("#checks tr[data-check=credentials] [data-result]", "data-result"));
        Assert.Equal("pass", await page.GetAttributeAsync("#checks tr[data-check=reachable] [data-result]", "data-result"));
        await Shot(page, "check");

        // With JavaScript the list refreshes itself: Magento revokes the real store's token, the row follows without a reload.
        await page.GotoAsync(new Uri(host.AdminUrl, "/?q=" + Uri.EscapeDataString(real.StoreBaseUrl)).AbsoluteUri);
        await page.EvaluateAsync("() => window.__sameDocument = true");
        Assert.Equal("active", await page.GetAttributeAsync($"#stores tr[data-store-id='{real.Id}'] [data-status]", "data-status"));
        await host.Lifecycle.RevokeAsync(real.Id, real.AccessToken!, "Magento answered 401 to the access token.", CancellationToken.None);
        await page.WaitForSelectorAsync($"#stores tr[data-store-id='{real.Id}'] [data-status=revoked]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"));
        Assert.NotNull(await page.GetAttributeAsync("html", "data-refreshes"));
        Assert.True(browser.Violations.Count == 0, string.Join("\n", browser.Violations));
    }

    [Fact]
    public async Task Without_JavaScript_every_screen_works_with_links_and_forms()
    {
        string tag = "nojs" + Guid.NewGuid().ToString("N")[..6];
        for (int i = 0; i < 105; i++)
        {
            DateTimeOffset at = DateTimeOffset.UtcNow.AddMinutes(-500 + i);
            Assert.True(await host.Store.InsertAsync(new StoreConnection
            {
                Id = Guid.NewGuid(), StoreBaseUrl = $"https://{tag}-{i:D3}.example/", ConsumerKey = ("ck" + Guid.NewGuid().ToString("N"))[..32], ConsumerSecret = "cs",
                Status = StoreStatus.Active, Step = ExchangeStep.Verified, ReceivedAt = at, UpdatedAt = at, AccessToken = "at" + i, AccessTokenSecret = "as", StoreName = "default",
            }));
        }

        StoreConnection real = await host.ActivateAsync("No-JS shop");
        await using Browser browser = await Browser.LaunchAsync(javaScript: false);
        IPage page = browser.Page;
        await page.GotoAsync(host.AdminUrl.AbsoluteUri);
        await page.FillAsync("#key", await host.CreateKeyAsync());
        await page.ClickAsync("button:has-text('Sign in')");
        await page.FillAsync("#q", tag);
        await page.ClickAsync("button:has-text('Search')");
        Assert.Equal(100, await page.Locator("#stores tbody tr").CountAsync());
        await page.ClickAsync("a[rel=next]");
        Assert.Equal(5, await page.Locator("#stores tbody tr").CountAsync());
        Assert.Equal($"https://{tag}-104.example/", await page.InnerTextAsync("#stores tbody tr:last-child a.url"));
        Assert.Equal(0, await page.Locator("a[rel=next]").CountAsync());

        await page.GotoAsync(new Uri(host.AdminUrl, $"/stores/{real.Id}").AbsoluteUri);
        await page.ClickAsync("button:has-text('Check now')");
        await page.WaitForSelectorAsync("#checks");
        Assert.Equal("pass", await page.GetAttributeAsync("#checks tr[data-check=credentials] [data-result]", "data-result"));

        await page.ClickAsync("button:has-text('Sign out')");
        await page.GotoAsync(host.AdminUrl.AbsoluteUri);
        Assert.EndsWith("/signin", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
    }

    private static async Task Shot(IPage page, string name, bool fullPage = true)
    {
        string? configured = Environment.GetEnvironmentVariable("MAGENTO_OAUTH_SCREENSHOTS");
        string folder = string.IsNullOrEmpty(configured)
            ? Path.Combine(Path.GetTempPath(), "magento-oauth-screenshots")
            : Path.IsPathRooted(configured) ? configured : Path.Combine(RepositoryRoot(), configured);
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"dashboard-{name}.png"), FullPage = fullPage, Caret = ScreenshotCaret.Initial, Animations = ScreenshotAnimations.Allow });
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "MagentoOAuth.slnx")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (MagentoOAuth.slnx) is not above " + AppContext.BaseDirectory);
    }

    /// <summary>Headless Chromium with one page, collecting Content-Security-Policy refusals from its console.</summary>
    private sealed class Browser : IAsyncDisposable
    {
        private IPlaywright _playwright = null!;
        private IBrowser _browser = null!;

        public IPage Page { get; private set; } = null!;

        public List<string> Violations { get; } = [];

        public static async Task<Browser> LaunchAsync(bool javaScript)
        {
            Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium (./test.sh does this).");
            var b = new Browser { _playwright = await Playwright.CreateAsync() };
            b._browser = await b._playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
                Timeout = 60_000,
            });
            IBrowserContext context = await b._browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = javaScript, ViewportSize = new ViewportSize { Width = 1360, Height = 860 }, Locale = "en-GB" });
            b.Page = await context.NewPageAsync();
            b.Page.SetDefaultTimeout(60_000);
            b.Page.Console += (_, message) =>
            {
                if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
                {
                    lock (b.Violations)
                    {
                        b.Violations.Add(b.Page.Url + " " + message.Text);
                    }
                }
            };
            return b;
        }

        public async ValueTask DisposeAsync()
        {
            await _browser.DisposeAsync();
            _playwright.Dispose();
        }
    }
}
