using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MagentoOAuth.AspNetCore;
using MagentoOAuth.AspNetCore.Clients;
using MagentoOAuth.Errors;
using MagentoOAuth.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.EndToEnd.Tests;

/// <summary>The connection lifecycle over real HTTP: events for every transition, clients that follow rotation, the link window.</summary>
public sealed partial class LifecycleEndToEndTests : EndToEndTestBase
{
    private readonly ConcurrentQueue<(Guid Id, ConnectionTransition Transition, StoreStatus? From, StoreStatus To)> _events = new();

    protected override void ConfigureIntegration(MagentoIntegrationOptions options)
    {
        options.Events.OnStatusChanged = c =>
        {
            _events.Enqueue((c.Connection.Id, c.Transition, c.OldStatus, c.NewStatus));
            return Task.CompletedTask;
        };
        options.Events.OnLinkAccount = c =>
        {
            c.AccountId = c.HttpContext.Request.Form["account"].ToString() is { Length: > 0 } account ? account : "account-1";
            return Task.CompletedTask;
        };
    }

    private async Task<(JsonObject Integration, JsonObject Activation, StoreConnection Active)> ConnectAsync(string name)
    {
        JsonObject integration = await CreateIntegrationAsync(name);
        JsonObject activation = await ActivateAsync((int)integration["id"]!);
        return (integration, activation, await WaitForActiveAsync((string)integration["consumerKey"]!));
    }

    private List<ConnectionTransition> EventsOf(Guid id) => _events.Where(e => e.Id == id).Select(e => e.Transition).ToList();

    /// <summary>
    /// The events of <paramref name="id"/> once <paramref name="count"/> have been raised (bounded): the event is raised
    /// just after the row is stored, so a test that saw the row may look a moment before the event.
    /// </summary>
    private async Task<List<ConnectionTransition>> EventsOfAsync(Guid id, int count)
    {
        for (int i = 0; i < 200 && EventsOf(id).Count < count; i++)
        {
            await Task.Delay(25);
        }

        return EventsOf(id);
    }

    [Fact]
    public async Task Every_transition_raises_the_event_once_activation_reauthorize_revocation_supersession_and_failure()
    {
        var (first, _, active) = await ConnectAsync("first");
        Assert.Equal([ConnectionTransition.Received, ConnectionTransition.Exchanging, ConnectionTransition.Activated], await EventsOfAsync(active.Id, 3));

        // Reauthorize: new tokens, the same connection.
        await ActivateAsync((int)first["id"]!, reauthorize: true);
        StoreConnection rotated = await WaitForAsync(active.ConsumerKey, s => s.Status == StoreStatus.Active && s.AccessToken != active.AccessToken);
        Assert.Equal([ConnectionTransition.Received, ConnectionTransition.Exchanging, ConnectionTransition.Activated,
            ConnectionTransition.Reauthorized, ConnectionTransition.Exchanging, ConnectionTransition.Activated], await EventsOfAsync(active.Id, 6));

        // Supersession: a second integration for the same store replaces the first once verified.
        var (_, _, second) = await ConnectAsync("second");
        await WaitForAsync(active.ConsumerKey, s => s.Status == StoreStatus.Superseded);
        Assert.Equal(ConnectionTransition.Superseded, (await EventsOfAsync(active.Id, 7))[^1]);

        // Revocation by a 401: the second integration is deleted in Magento; the next call finds out.
        await Http.DeleteAsync(new Uri(Sandbox.BaseUrl, "sandbox/api/integrations/2"));
        using (HttpClient client = Endpoint.Services.GetRequiredService<IMagentoClientFactory>().CreateClient(second.Id))
        {
            using HttpResponseMessage refused = await client.GetAsync("V1/store/storeConfigs");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        Assert.Equal(StoreStatus.Revoked, (await Store.FindAsync(second.Id))!.Status);
        Assert.Equal(ConnectionTransition.Revoked, EventsOf(second.Id)[^1]);

        // Failure: a callback for an integration Magento does not know fails its exchange.
        string key = Guid.NewGuid().ToString("N");
        using HttpResponseMessage posted = await Http.PostAsync(EndpointUrl + "/magento/callback", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["oauth_consumer_key"] = key, ["oauth_consumer_secret"] = Guid.NewGuid().ToString("N"), ["oauth_verifier"] = Guid.NewGuid().ToString("N"), ["store_base_url"] = Sandbox.BaseUrl.AbsoluteUri,
        }));
        StoreConnection failed = await WaitForAsync(key, s => s.Status == StoreStatus.Failed);
        Assert.Equal([ConnectionTransition.Received, ConnectionTransition.Failed], await EventsOfAsync(failed.Id, 2));

        // Each stored transition is in the history too.
        Assert.Equal(EventsOf(active.Id), (await Store.ListAsync(active.Id)).Select(h => h.Transition));
        Assert.NotEqual(rotated.AccessToken, second.AccessToken);
    }

    [Fact]
    public async Task A_client_made_before_a_reauthorize_signs_with_the_new_tokens_here_and_on_another_instance()
    {
        var (integration, _, active) = await ConnectAsync("app");
        using HttpClient here = Endpoint.Services.GetRequiredService<IMagentoClientFactory>().CreateClient(active.Id);

        // Another instance sharing the database: its own lifecycle and credential cache, which nothing here updates.
        await using ServiceProvider other = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddMagentoStorage(Store).AddMagentoIntegration(o => o.AllowPrivateStores = true).BuildServiceProvider();
        using HttpClient there = other.GetRequiredService<IMagentoClientFactory>().CreateClient(active.Id);
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("V1/store/storeConfigs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await there.GetAsync("V1/store/storeConfigs")).StatusCode);

        await ActivateAsync((int)integration["id"]!, reauthorize: true);
        StoreConnection rotated = await WaitForAsync(active.ConsumerKey, s => s.Status == StoreStatus.Active && s.AccessToken != active.AccessToken);

        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("V1/store/storeConfigs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await there.GetAsync("V1/store/storeConfigs")).StatusCode);
        Assert.Equal(StoreStatus.Active, (await Store.FindAsync(active.Id))!.Status);
        Assert.Equal(rotated.AccessToken, (string)(await SandboxIntegrationAsync(1))["accessToken"]!);
    }

    [Fact]
    public async Task A_client_for_a_connection_that_is_not_active_fails_at_once_and_says_what_to_do()
    {
        var (_, _, active) = await ConnectAsync("app");
        await Http.DeleteAsync(new Uri(Sandbox.BaseUrl, "sandbox/api/integrations/1"));
        using HttpClient client = Endpoint.Services.GetRequiredService<IMagentoClientFactory>().CreateClient(active.Id);
        await client.GetAsync("V1/store/storeConfigs"); // Magento refuses: the connection is revoked
        int refusalsBefore = (int)(await SandboxIntegrationListCallsAsync());

        var error = await Assert.ThrowsAsync<MagentoOAuthException>(() => client.GetAsync("V1/store/storeConfigs"));

        Assert.Equal(MagentoProblem.ConnectionNotActive, error.Problem);
        Assert.Contains("revoked", error.Cause, StringComparison.Ordinal);
        Assert.Contains("Reauthorize", error.Fix, StringComparison.Ordinal);
        Assert.Equal(refusalsBefore, await SandboxIntegrationListCallsAsync());
    }

    private async Task<int> SandboxIntegrationListCallsAsync()
    {
        // The sandbox counts every REST call it received across integrations.
        JsonArray all = JsonNode.Parse(await Http.GetStringAsync(new Uri(Sandbox.BaseUrl, "sandbox/api/integrations")))!.AsArray();
        return all.Sum(i => (int)i!["acceptedCalls"]! + (int)i["refusedCalls"]!);
    }

    [Fact]
    public async Task Confirm_links_an_account_once_and_never_after_the_window()
    {
        var (integration, activation, active) = await ConnectAsync("app");
        var (status, _) = await ConfirmAsync((string)activation["identityLinkUrl"]!, "merchant");
        Assert.Equal(HttpStatusCode.SeeOther, status);
        Assert.Equal("merchant", (await Store.FindAsync(active.Id))!.AccountId);

        // Someone else who saw the Identity Link URL (the consumer key is in it) cannot re-link the store.
        var (again, body) = await ConfirmAsync((string)activation["identityLinkUrl"]!, "attacker");
        Assert.Equal(HttpStatusCode.Forbidden, again);
        Assert.Contains("already linked to another account", body, StringComparison.Ordinal);
        Assert.Equal("merchant", (await Store.FindAsync(active.Id))!.AccountId);
        Assert.Single(EventsOf(active.Id), ConnectionTransition.AccountLinked);
        Assert.NotNull(integration);
    }

    private static async Task<(HttpStatusCode Status, string Body)> ConfirmAsync(string identityLinkUrl, string account)
    {
        using var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false });
        string page = await browser.GetStringAsync(identityLinkUrl);
        var fields = Hidden().Matches(page).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["account"] = account;
        using HttpResponseMessage response = await browser.PostAsync(new Uri(new Uri(identityLinkUrl), "/magento/identity"), new FormUrlEncodedContent(fields));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex Hidden();
}

/// <summary>The link window closed: a Confirm long after the credential POST links nothing.</summary>
public sealed partial class LinkWindowEndToEndTests : EndToEndTestBase
{
    protected override void ConfigureIntegration(MagentoIntegrationOptions options)
    {
        options.AccountLinkWindow = TimeSpan.FromMilliseconds(1);
        options.Events.OnLinkAccount = c =>
        {
            c.AccountId = "attacker";
            return Task.CompletedTask;
        };
    }

    [Fact]
    public async Task Confirm_after_the_window_says_why_and_links_nothing()
    {
        JsonObject integration = await CreateIntegrationAsync();
        JsonObject activation = await ActivateAsync(1);
        StoreConnection active = await WaitForActiveAsync((string)integration["consumerKey"]!);
        await Task.Delay(50);

        using var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false });
        string page = await browser.GetStringAsync((string)activation["identityLinkUrl"]!);
        var fields = Hidden().Matches(page).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        using HttpResponseMessage response = await browser.PostAsync(EndpointUrl + "/magento/identity", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Reauthorize", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null((await Store.FindAsync(active.Id))!.AccountId);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex Hidden();
}
