using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MagentoOAuth.Cli;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Storage;

namespace MagentoOAuth.EndToEnd.Tests;

public sealed partial class ActivationTests : EndToEndTestBase
{
    // Each integration its own store (a merchant), as in production: one endpoint, many Magento stores.
    protected override SandboxOptions SandboxOptions => new() { SeparateStores = true };

    [Fact]
    public async Task Activation_ends_active_with_the_store_details_and_the_cli_can_call_it()
    {
        JsonObject integration = await CreateIntegrationAsync();
        await ActivateAsync((int)integration["id"]!);

        StoreConnection store = await WaitForActiveAsync((string)integration["consumerKey"]!);

        Assert.Equal(Sandbox.BaseUrl.AbsoluteUri + "stores/1/", store.StoreBaseUrl);
        Assert.Equal((ExchangeStep.Verified, "default", "en_US", "USD"), (store.Step, store.StoreName, store.Locale, store.Currency));
        Assert.Equal((string)(await SandboxIntegrationAsync(1))["accessToken"]!, store.AccessToken);

        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CliApp.RunAsync(["call", store.ConsumerKey, "GET", "/V1/products?searchCriteria[pageSize]=2", "--db", DatabasePath], output, error);
        Assert.True(exit == 0, error.ToString());
        Assert.Equal(2, JsonNode.Parse(output.ToString())!["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task The_identity_page_opened_after_the_consumer_expired_still_succeeds()
    {
        JsonObject integration = await CreateIntegrationAsync();
        JsonObject activation = await ActivateAsync((int)integration["id"]!);
        await WaitForActiveAsync((string)integration["consumerKey"]!);

        // The merchant leaves the popup open for ten minutes: the exchange never waited for it.
        SandboxTime.Advance(TimeSpan.FromMinutes(10));
        var (status, location) = await ConfirmIdentityAsync((string)activation["identityLinkUrl"]!);

        Assert.Equal(HttpStatusCode.SeeOther, status);
        Assert.Equal((string)activation["successCallBack"]!, location);
        Assert.Equal("active", (string)(await SandboxIntegrationAsync(1))["status"]!);
    }

    [Fact]
    public async Task Confirm_refuses_to_redirect_outside_the_store()
    {
        JsonObject integration = await CreateIntegrationAsync();
        JsonObject activation = await ActivateAsync((int)integration["id"]!);
        await WaitForActiveAsync((string)integration["consumerKey"]!);
        string evil = Regex.Replace((string)activation["identityLinkUrl"]!, "success_call_back=[^&]+", "success_call_back=" + Uri.EscapeDataString("https://evil.example/steal"));

        var (status, location) = await ConfirmIdentityAsync(evil);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Null(location);
    }

    [Fact]
    public async Task A_hundred_stores_activating_at_once_all_end_active_and_none_is_duplicated()
    {
        var integrations = new List<JsonObject>();
        for (int i = 0; i < 100; i++)
        {
            integrations.Add(await CreateIntegrationAsync("store " + i));
        }

        await Task.WhenAll(integrations.Select(i => ActivateAsync((int)i["id"]!)));
        StoreConnection[] stores = await Task.WhenAll(integrations.Select(i => WaitForActiveAsync((string)i["consumerKey"]!)));

        IReadOnlyList<StoreConnection> all = await Store.ListAllAsync();
        Assert.Equal(100, all.Count);
        Assert.Equal(100, all.Select(s => s.ConsumerKey).Distinct().Count());
        Assert.All(stores, s => Assert.Equal(StoreStatus.Active, s.Status));
    }

    [Fact]
    public async Task Reauthorize_rotates_the_tokens_and_keeps_the_store_and_its_history()
    {
        JsonObject integration = await CreateIntegrationAsync();
        string key = (string)integration["consumerKey"]!;
        await ActivateAsync(1);
        StoreConnection first = await WaitForActiveAsync(key);

        await ActivateAsync(1, reauthorize: true);
        StoreConnection second = await WaitForAsync(key, s => s.Status == StoreStatus.Active && s.AccessToken != first.AccessToken);

        Assert.Equal(first.Id, second.Id);
        HistoryEntry rotation = Assert.Single(await Store.ListAsync(first.Id), h => h.AccessTokenFingerprint is not null);
        Assert.Equal(ConnectionTransition.Reauthorized, rotation.Transition);
        Assert.Single(await Store.ListAllAsync());
        Assert.Equal(second.AccessToken, (string)(await SandboxIntegrationAsync(1))["accessToken"]!);
    }

    [Fact]
    public async Task A_forged_callback_naming_a_real_store_never_displaces_its_working_credentials()
    {
        JsonObject integration = await CreateIntegrationAsync();
        await ActivateAsync(1);
        StoreConnection real = await WaitForActiveAsync((string)integration["consumerKey"]!);

        // A new consumer key Magento never issued, for the same store: stored, tried, failed; the real one untouched.
        string forgedKey = new('f', 32);
        Assert.Equal(HttpStatusCode.OK, (await PostCallbackAsync(Form(forgedKey, new string('s', 32), real.StoreBaseUrl, new string('v', 32)))).Status);
        StoreConnection forged = await WaitForAsync(forgedKey, s => s.Status == StoreStatus.Failed);
        Assert.Contains("A consumer having the specified key does not exist", forged.StatusReason, StringComparison.Ordinal);

        // The real key with a wrong secret: refused, nothing changed.
        var (status, _) = await PostCallbackAsync(Form(real.ConsumerKey, new string('x', 32), real.StoreBaseUrl, new string('v', 32)));
        Assert.Equal(HttpStatusCode.Forbidden, status);

        StoreConnection after = (await Store.FindAsync(real.Id))!;
        Assert.Equal((StoreStatus.Active, real.AccessToken), (after.Status, after.AccessToken));
    }

    public static TheoryData<string, string, int> BadCallbacks => new()
    {
        { "application/x-www-form-urlencoded", "oauth_consumer_secret=" + new string('s', 32) + "&store_base_url=http%3A%2F%2Fshop.test%2F&oauth_verifier=" + new string('v', 32), 400 },
        { "application/x-www-form-urlencoded", Form(new string('k', 32), new string('s', 32), "http://shop.test/", new string('v', 32)) + "&oauth_verifier=" + new string('w', 32), 400 },
        { "application/x-www-form-urlencoded", Form("short", new string('s', 32), "http://shop.test/", new string('v', 32)), 400 },
        { "application/x-www-form-urlencoded", Form(new string('K', 32), new string('s', 32), "http://shop.test/", new string('v', 32)), 400 },
        { "application/x-www-form-urlencoded", Form(new string('k', 32), "<script>alert(1)</script>xxxxxxx", "http://shop.test/", new string('v', 32)), 400 },
        { "application/x-www-form-urlencoded", Form(new string('k', 32), new string('s', 32), "ftp://shop.test/", new string('v', 32)), 400 },
        { "application/x-www-form-urlencoded", Form(new string('k', 32), new string('s', 32), "javascript:alert(1)", new string('v', 32)), 400 },
        { "application/x-www-form-urlencoded", Form(new string('k', 32), new string('s', 32), "http://user:pw@shop.test/", new string('v', 32)), 400 },
        { "application/x-www-form-urlencoded", Form(new string('k', 32), new string('s', 32), "http://shop.test/?a=1", new string('v', 32)), 400 },
        { "application/x-www-form-urlencoded", Form(new string('k', 32), new string('s', 32), "http://shop.test/", new string('v', 32)) + "&pad=" + new string('p', 5000), 413 },
        { "application/json", "{\"oauth_consumer_key\":\"" + new string('k', 32) + "\"}", 415 },
        { "text/plain", Form(new string('k', 32), new string('s', 32), "http://shop.test/", new string('v', 32)), 415 },
        { "application/x-www-form-urlencoded", "oauth_consumer_key=%FF%FE%FD" + new string('k', 29) + "&oauth_consumer_secret=" + new string('s', 32) + "&store_base_url=http%3A%2F%2Fshop.test%2F&oauth_verifier=" + new string('v', 32), 400 },
    };

    [Theory]
    [MemberData(nameof(BadCallbacks))]
    public async Task Bad_callbacks_are_refused_with_a_clear_message_and_nothing_is_stored(string contentType, string body, int expected)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        using HttpResponseMessage response = await Http.PostAsync(EndpointUrl + "/magento/callback", content);

        Assert.Equal(expected, (int)response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await response.Content.ReadAsStringAsync()));
        Assert.Empty(await Store.ListAllAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(EndpointUrl + "/magento/identity/status?oauth_consumer_key=" + new string('k', 32))).StatusCode);
    }

    [Fact]
    public async Task Secrets_appear_neither_in_the_database_files_nor_in_the_logs()
    {
        JsonObject integration = await CreateIntegrationAsync();
        JsonObject activation = await ActivateAsync(1);
        StoreConnection store = await WaitForActiveAsync((string)integration["consumerKey"]!);
        await ConfirmIdentityAsync((string)activation["identityLinkUrl"]!);
        JsonObject issued = await SandboxIntegrationAsync(1);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        string files = string.Concat(System.IO.Directory.GetFiles(Directory, "magento-oauth.db*").Select(f => Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        string logs = string.Join('\n', Logs);
        Assert.NotEmpty(Logs);
        foreach (string secret in new[] { (string)issued["consumerSecret"]!, (string)issued["accessToken"]!, (string)issued["accessTokenSecret"]! })
        {
            Assert.DoesNotContain(secret, files, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }

        Assert.Contains(store.ConsumerKey, files, StringComparison.Ordinal);
    }

    private static string Form(string key, string secret, string baseUrl, string verifier) =>
        $"oauth_consumer_key={Uri.EscapeDataString(key)}&oauth_consumer_secret={Uri.EscapeDataString(secret)}&store_base_url={Uri.EscapeDataString(baseUrl)}&oauth_verifier={Uri.EscapeDataString(verifier)}";

    private async Task<(HttpStatusCode Status, string Body)> PostCallbackAsync(string form)
    {
        using HttpResponseMessage response = await Http.PostAsync(EndpointUrl + "/magento/callback", new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>What the merchant's browser does in the popup: load the page, submit its form.</summary>
    private static async Task<(HttpStatusCode Status, string? Location)> ConfirmIdentityAsync(string identityLinkUrl)
    {
        using var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false });
        string page = await browser.GetStringAsync(identityLinkUrl);
        string action = WebUtility.HtmlDecode(FormAction().Match(page).Groups[1].Value);
        var fields = Hidden().Matches(page).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        using HttpResponseMessage response = await browser.PostAsync(new Uri(new Uri(identityLinkUrl), action), new FormUrlEncodedContent(fields));
        return (response.StatusCode, response.Headers.Location?.ToString());
    }

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex Hidden();
}

public sealed class PrivateStoreTests : EndToEndTestBase
{
    protected override bool AllowPrivateStores => false;

    [Theory]
    [InlineData("http://127.0.0.1:8080/")]
    [InlineData("http://10.1.2.3/")]
    [InlineData("http://169.254.169.254/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://localhost/")]
    public async Task Stores_on_private_addresses_are_refused_unless_allowed(string storeUrl)
    {
        string form = $"oauth_consumer_key={new string('k', 32)}&oauth_consumer_secret={new string('s', 32)}&store_base_url={Uri.EscapeDataString(storeUrl)}&oauth_verifier={new string('v', 32)}";
        using HttpResponseMessage response = await Http.PostAsync(EndpointUrl + "/magento/callback", new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("private", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await Store.ListAllAsync());
    }
}
