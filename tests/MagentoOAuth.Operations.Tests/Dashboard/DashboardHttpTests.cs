using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MagentoOAuth.Operations.Dashboard;
using MagentoOAuth.Storage;

namespace MagentoOAuth.Operations.Tests.Dashboard;

/// <summary>The dashboard over HTTP, as a browser without JavaScript uses it, against real stores (sandbox activations) and stored failed and revoked ones.</summary>
public sealed partial class DashboardHttpTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    private const string Refused = "That key was not accepted.";

    [Fact]
    public async Task Pages_need_a_session_browsers_go_to_signin_and_api_clients_get_401()
    {
        using var browser = new DashboardClient(host.AdminUrl);
        foreach (string path in new[] { "/", "/?q=shop", $"/stores/{Guid.NewGuid()}" })
        {
            (HttpResponseMessage response, _) = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/signin", response.Headers.Location!.AbsolutePath);
            Assert.Equal(path, Uri.UnescapeDataString(Regex.Match(response.Headers.Location.Query, "ReturnUrl=([^&]*)").Groups[1].Value));
        }

        (HttpResponseMessage bearer, string body) = await browser.GetAsync("/", bearer: "mok_wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, bearer.StatusCode);
        Assert.Equal("unauthorized", (string)JsonNode.Parse(body)!["error"]!);

        (HttpResponseMessage proxyKey, string refused) = await browser.GetAsync("/", bearer: await host.CreateKeyAsync(ApiKeyScope.Proxy));
        Assert.Equal(HttpStatusCode.Forbidden, proxyKey.StatusCode);
        Assert.Equal("forbidden", (string)JsonNode.Parse(refused)!["error"]!);

        (HttpResponseMessage admin, string page) = await browser.GetAsync("/", bearer: await host.CreateKeyAsync());
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Contains("<h1>Stores</h1>", page, StringComparison.Ordinal);

        // The dashboard is the admin listener's: the public endpoint does not serve it.
        using var onPublic = new DashboardClient(host.PublicUrl);
        Assert.Equal(HttpStatusCode.NotFound, (await onPublic.GetAsync("/signin")).Response.StatusCode);
    }

    [Fact]
    public async Task An_admin_key_signs_in_and_returns_to_the_page_asked_for_on_this_site_only()
    {
        string key = await host.CreateKeyAsync();
        using var browser = new DashboardClient(host.AdminUrl);
        (_, string form) = await browser.GetAsync("/signin?ReturnUrl=%2F%3Fstatus%3Dfailed");
        (HttpResponseMessage signedIn, _) = await browser.SubmitAsync(form, "/signin", ("key", key));
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        Assert.Equal("/?status=failed", signedIn.Headers.Location!.OriginalString);
        Cookie session = browser.Cookies.GetAllCookies().Single(c => c.Name == "magento-oauth-admin");
        Assert.True(session.HttpOnly);
        Assert.DoesNotContain(key, session.Value, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/?status=failed")).Response.StatusCode);

        (HttpResponseMessage again, _) = await browser.GetAsync("/signin");
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);

        foreach (string elsewhere in new[] { "//evil.example/", "/\\evil.example/", "https://evil.example/", "javascript:alert(1)", "" })
        {
            Assert.Equal("/", SignInEndpoints.LocalPath(elsewhere));
        }
    }

    [Fact]
    public async Task A_wrong_revoked_or_proxy_key_gets_the_form_again_401_with_the_same_words()
    {
        string revoked = await host.CreateKeyAsync(name: "revoked-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.True(await host.Keys.RevokeAsync((await host.Keys.ListAsync()).Single(k => k.Name.StartsWith("revoked-", StringComparison.Ordinal)).Name));
        string proxy = await host.CreateKeyAsync(ApiKeyScope.Proxy);
        string admin = await host.CreateKeyAsync();
        string[] wrong = ["mok_notakey", admin[..^1] + (admin[^1] == 'A' ? 'B' : 'A'), revoked, proxy, new string('x', 5000)];
        var errors = new List<string>();
        foreach (string key in wrong)
        {
            using var browser = new DashboardClient(host.AdminUrl);
            (HttpResponseMessage response, string body) = await browser.SignInAsync(key);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("<form method=\"post\" action=\"/signin\">", body, StringComparison.Ordinal);
            Assert.DoesNotContain(key, body, StringComparison.Ordinal);
            Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name == "magento-oauth-admin");
            errors.Add(Regex.Match(body, "<p class=\"error\" role=\"alert\" id=\"key-error\">(.*?)</p>").Groups[1].Value);
            Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).Response.StatusCode);
        }

        Assert.StartsWith(Refused, errors[0], StringComparison.Ordinal);
        Assert.Single(errors.Distinct());
    }

    [Fact]
    public async Task Every_post_without_its_form_token_is_refused_and_does_nothing()
    {
        string key = await host.CreateKeyAsync();
        using var browser = new DashboardClient(host.AdminUrl);
        (HttpResponseMessage noToken, _) = await browser.PostAsync("/signin", [KeyValuePair.Create("key", key)]);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name == "magento-oauth-admin");

        (_, string form) = await browser.GetAsync("/signin");
        string forged = Regex.Replace(form, "name=\"__RequestVerificationToken\" value=\"[^\"]*\"", "name=\"__RequestVerificationToken\" value=\"CfDJ8forged\"");
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.SubmitAsync(forged, "/signin", ("key", key))).Response.StatusCode);

        Assert.Equal(HttpStatusCode.SeeOther, (await browser.SignInAsync(key)).Response.StatusCode);
        StoreConnection store = await host.AddFailedAsync($"https://af-{Guid.NewGuid():N}.example/", "Magento said \"Consumer key has expired\".");
        (HttpResponseMessage check, string checkBody) = await browser.PostAsync($"/stores/{store.Id}/check", []);
        Assert.Equal(HttpStatusCode.BadRequest, check.StatusCode);
        Assert.DoesNotContain("id=\"checks\"", checkBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/signout", [])).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).Response.StatusCode); // still signed in

        // A token made for another session does not do for this one.
        using var other = new DashboardClient(host.AdminUrl);
        await other.SignInAsync(await host.CreateKeyAsync());
        (_, string otherPage) = await other.GetAsync($"/stores/{store.Id}");
        string otherToken = Regex.Match(otherPage, "name=\"__RequestVerificationToken\" value=\"([^\"]*)\"").Groups[1].Value;
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/signout", [KeyValuePair.Create("__RequestVerificationToken", WebUtility.HtmlDecode(otherToken))])).Response.StatusCode);

        (_, string page) = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.SubmitAsync(page, "/signout")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).Response.StatusCode);
    }

    [Fact]
    public async Task Revoking_the_key_ends_its_session_at_the_next_request()
    {
        string name = "ops-" + Guid.NewGuid().ToString("N")[..8];
        string key = await host.CreateKeyAsync(name: name);
        using var browser = new DashboardClient(host.AdminUrl);
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.SignInAsync(key)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).Response.StatusCode);

        Assert.True(await host.Keys.RevokeAsync(name));
        (HttpResponseMessage after, _) = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/signin", after.Headers.Location!.AbsolutePath);
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name == "magento-oauth-admin" && c.Value.Length > 0 && !c.Expired);
    }

    [Fact]
    public async Task Search_status_filter_and_keyset_pages_reach_every_match_once()
    {
        string tag = "pg" + Guid.NewGuid().ToString("N")[..6];
        var urls = new List<string>();
        for (int i = 0; i < 230; i++)
        {
            string url = $"https://{tag}-{i:D4}.example/";
            urls.Add(url);
            DateTimeOffset at = DateTimeOffset.UtcNow.AddMinutes(-1000 + i);
            Assert.True(await host.Store.InsertAsync(new StoreConnection
            {
                Id = Guid.NewGuid(), StoreBaseUrl = url, ConsumerKey = ("ck" + Guid.NewGuid().ToString("N"))[..32], ConsumerSecret = "cs" + i,
                AccessToken = "at" + Guid.NewGuid().ToString("N"), AccessTokenSecret = "as" + i,
                Status = i % 10 == 3 ? StoreStatus.Superseded : StoreStatus.Active, Step = ExchangeStep.Verified, ReceivedAt = at, UpdatedAt = at, StoreName = "default",
            }));
        }

        using var browser = new DashboardClient(host.AdminUrl);
        await browser.SignInAsync(await host.CreateKeyAsync());

        // Every match once, across pages of 100 linked by their cursor, in creation order.
        var seen = new List<string>();
        string path = "/?q=" + tag;
        for (int pages = 0; path is not null && pages < 10; pages++)
        {
            (HttpResponseMessage response, string body) = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            seen.AddRange(Regex.Matches(body, $"<a class=\"url\" href=\"/stores/[^\"]+\">(https://{tag}-\\d+\\.example/)</a>").Select(m => m.Groups[1].Value));
            Match next = Regex.Match(body, "<a rel=\"next\" href=\"([^\"]+)\">");
            path = next.Success ? WebUtility.HtmlDecode(next.Groups[1].Value) : null!;
            if (path is not null)
            {
                Assert.Contains("q=" + tag, path, StringComparison.Ordinal);
                Assert.DoesNotContain("offset", path, StringComparison.OrdinalIgnoreCase);
            }
        }

        Assert.Equal(urls, seen);

        (_, string one) = await browser.GetAsync($"/?q={tag}-0042.");
        Assert.Equal([urls[42]], Regex.Matches(one, "<a class=\"url\" href=\"/stores/[^\"]+\">([^<]+)</a>").Select(m => m.Groups[1].Value));

        (_, string superseded) = await browser.GetAsync($"/?q={tag}&status=superseded");
        Assert.Equal(urls.Where((_, i) => i % 10 == 3), Regex.Matches(superseded, "<a class=\"url\" href=\"/stores/[^\"]+\">([^<]+)</a>").Select(m => m.Groups[1].Value));
        Assert.Contains("<option value=\"superseded\" selected>", superseded, StringComparison.Ordinal);

        (_, string none) = await browser.GetAsync("/?q=" + Uri.EscapeDataString("no such store %_"));
        Assert.Contains("<caption>No stores", none, StringComparison.Ordinal);

        foreach (string bad in new[] { "/?after=12.zz", "/?status=broken", "/?q=" + new string('a', 201) })
        {
            (HttpResponseMessage response, string body) = await browser.GetAsync(bad);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("<p class=\"error\" role=\"alert\">", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Stores_waiting_for_a_Reauthorize_come_first_with_the_admin_path()
    {
        string tag = "ra" + Guid.NewGuid().ToString("N")[..6];
        StoreConnection expired = await host.AddFailedAsync($"https://{tag}-expired.example/", "The store could not be reached before the consumer expired (300 s after the credentials arrived): connection refused. Click Reauthorize in the Magento admin to try again.");
        StoreConnection hadTokens = await host.AddFailedAsync($"https://{tag}-tokens.example/", "Magento refused the verification call.", withTokens: true);
        StoreConnection revoked = await host.AddRevokedAsync($"https://{tag}-revoked.example/", tag + " revoked shop");
        StoreConnection forged = await host.AddFailedAsync($"https://{tag}-forged.example/", "Magento said \"Consumer key has expired\".");

        using var browser = new DashboardClient(host.AdminUrl);
        await browser.SignInAsync(await host.CreateKeyAsync());
        (_, string page) = await browser.GetAsync("/");
        string section = Regex.Match(page, "<section aria-labelledby=\"reauthorize-title\".*?</section>", RegexOptions.Singleline).Value;
        Assert.True(page.IndexOf(section, StringComparison.Ordinal) < page.IndexOf("<table id=\"stores\">", StringComparison.Ordinal));
        foreach (StoreConnection waiting in new[] { expired, hadTokens, revoked })
        {
            string item = Regex.Match(section, $"<li data-store-id=\"{waiting.Id}\">.*?</li>", RegexOptions.Singleline).Value;
            Assert.Contains($"System › Extensions › Integrations › the integration with consumer key {waiting.ConsumerKey[..4]}… › Reauthorize", item, StringComparison.Ordinal);
            Assert.Contains(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(waiting.StatusReason!), item, StringComparison.Ordinal);
            Assert.Contains($"href=\"/stores/{waiting.Id}\"", item, StringComparison.Ordinal);
        }

        Assert.Contains("data-status=\"revoked\"><span aria-hidden=\"true\">⚠</span> revoked", section, StringComparison.Ordinal);
        Assert.DoesNotContain(forged.Id.ToString(), section, StringComparison.Ordinal);

        // In the list the failed one shows its reason as its last error, in words as well as colour.
        (_, string failed) = await browser.GetAsync($"/?q={tag}-expired");
        string row = Regex.Match(failed, $"<tr data-store-id=\"{expired.Id}\">.*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains("<span aria-hidden=\"true\">✗</span> failed", row, StringComparison.Ordinal);
        Assert.Contains("consumer expired", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_real_store_shows_its_history_and_rotation_and_Check_now_runs_the_doctor()
    {
        StoreConnection store = await host.ActivateAsync("Check shop");
        store = await host.ReauthorizeAsync(store);
        using var browser = new DashboardClient(host.AdminUrl);
        await browser.SignInAsync(await host.CreateKeyAsync());

        (_, string list) = await browser.GetAsync("/?q=" + Uri.EscapeDataString(store.StoreBaseUrl));
        string row = Regex.Match(list, $"<tr data-store-id=\"{store.Id}\">.*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains("<td class=\"num\">1</td>\n</tr>", row, StringComparison.Ordinal); // one rotation
        Assert.Contains("data-status=\"active\"", row, StringComparison.Ordinal);

        (HttpResponseMessage response, string page) = await browser.GetAsync($"/stores/{store.Id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string history = Regex.Match(page, "<table id=\"history\".*?</table>", RegexOptions.Singleline).Value;
        Assert.Contains("rotated (Reauthorize)", history, StringComparison.Ordinal);
        Assert.Contains("activated", history, StringComparison.Ordinal);
        Assert.Contains("credentials received", history, StringComparison.Ordinal);
        Assert.Contains("rotated 1 time", page, StringComparison.Ordinal);

        (HttpResponseMessage checkedResponse, string checkedPage) = await browser.SubmitAsync(page, $"/stores/{store.Id}/check");
        Assert.Equal(HttpStatusCode.OK, checkedResponse.StatusCode);
        string checks = Regex.Match(checkedPage, "<table id=\"checks\">.*?</table>", RegexOptions.Singleline).Value;
        var results = Regex.Matches(checks, "<tr data-check=\"([a-z-]+)\">.*?data-result=\"([a-z]+)\"", RegexOptions.Singleline).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.Equal(MagentoOAuth.Diagnostics.Doctor.StoreDoctor.CheckIds, results.Keys);
        Assert.Equal("pass", results["reachable"]);
        Assert.Equal("pass", results["credentials"]);
        Assert.Equal("pass", results["authorization-header"]);

        // A store whose checks fail says why and what to do.
        StoreConnection nowhere = await host.AddFailedAsync("http://127.0.0.1:9/", "Magento could not be reached. Click Reauthorize in the Magento admin.");
        (_, string nowherePage) = await browser.GetAsync($"/stores/{nowhere.Id}");
        (_, string failedChecks) = await browser.SubmitAsync(nowherePage, $"/stores/{nowhere.Id}/check");
        string reachable = Regex.Match(failedChecks, "<tr data-check=\"reachable\">.*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains("data-result=\"fail\"", reachable, StringComparison.Ordinal);
        Assert.Matches("<td class=\"reason\">[^<]+</td><td class=\"reason\">[^<]+</td></tr>", reachable); // cause and fix

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/stores/{Guid.NewGuid()}")).Response.StatusCode);
    }

    [Fact]
    public async Task No_page_holds_a_secret_and_every_page_has_strict_headers_and_accessible_markup()
    {
        StoreConnection active = await host.ActivateAsync("Secret shop");
        StoreConnection failed = await host.AddFailedAsync($"https://secret-{Guid.NewGuid():N}.example/", "Click Reauthorize in the Magento admin.", withTokens: true);
        StoreConnection revoked = await host.AddRevokedAsync($"https://secret-{Guid.NewGuid():N}.example/", "revoked");
        string key = await host.CreateKeyAsync();
        using var browser = new DashboardClient(host.AdminUrl);
        (HttpResponseMessage signin, _) = await browser.GetAsync("/signin");
        Headers(signin);
        await browser.SignInAsync(key);
        foreach (StoreConnection store in new[] { active, failed, revoked })
        {
            (HttpResponseMessage list, string body) = await browser.GetAsync("/?q=" + Uri.EscapeDataString(store.StoreBaseUrl));
            Headers(list);
            Accessible(body);
            (HttpResponseMessage page, string storePage) = await browser.GetAsync($"/stores/{store.Id}");
            Headers(page);
            Accessible(storePage);
            Headers((await browser.SubmitAsync(storePage, $"/stores/{store.Id}/check")).Response);
        }

        (HttpResponseMessage all, _) = await browser.GetAsync("/");
        Headers(all);
        var secrets = new List<string> { key, key[^43..] };
        foreach (StoreConnection store in new[] { active, failed, revoked })
        {
            StoreConnection stored = (await host.Store.FindAsync(store.Id))!;
            secrets.AddRange(new[] { stored.ConsumerSecret, stored.AccessToken, stored.AccessTokenSecret, stored.Verifier, stored.RequestToken, stored.RequestTokenSecret, stored.ConsumerKey }.OfType<string>());
        }

        Assert.True(browser.Pages.Count >= 10);
        foreach (string page in browser.Pages)
        {
            foreach (string secret in secrets)
            {
                Assert.DoesNotContain(secret, page, StringComparison.Ordinal);
            }
        }
    }

    private static void Headers(HttpResponseMessage response)
    {
        string policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Matches("script-src 'nonce-[A-Za-z0-9+/=]{24}'", policy);
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    private static void Accessible(string page)
    {
        Assert.Contains("<html lang=\"en\">", page, StringComparison.Ordinal);
        Assert.DoesNotMatch("<th(?! scope=\"(col|row)\")[ >]", page);
        Assert.DoesNotMatch("<(script|link|img)[^>]+(src|href)=\"(https?:)?//", page); // nothing from elsewhere
        Assert.DoesNotMatch(" on[a-z]+=\"", page); // no inline handlers (the policy would refuse them)
        foreach (Match input in Regex.Matches(page, "<(input|select) id=\"([^\"]+)\""))
        {
            Assert.Contains($"<label for=\"{input.Groups[2].Value}\">", page, StringComparison.Ordinal);
        }
    }
}
