using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MagentoOAuth.AspNetCore.Clients;
using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Cli.Commands;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations.Tests.Webhooks;

/// <summary>
/// Webhooks end to end, in one process: a sandbox Magento, the endpoint as <c>serve</c> builds it (SQLite), and a
/// receiver that refuses every event's first attempt. Every transition of real activations arrives, once per event id,
/// in order per store, signed.
/// </summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    internal const string Secret = "0123456789abcdef0123456789abcdef-webhook-test-secret";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string _directory = Directory.CreateTempSubdirectory("magento-oauth-webhooks-").FullName;
    private readonly ConcurrentQueue<string> _logs = new();
    private HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };
    private SandboxHost _sandbox = null!;
    private SqliteCredentialStore _store = null!;
    private WebApplication _endpoint = null!;
    private WebhookReceiver _receiver = null!;

    private string EndpointUrl => _endpoint.Urls.First();

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxHost.StartAsync();
        _receiver = await WebhookReceiver.StartAsync(refuseFirstAttempt: true);
        _store = await SqliteCredentialStore.OpenAsync(Path.Combine(_directory, "magento-oauth.db"), new SecretProtector(EncryptionKey.Resolve(null, Path.Combine(_directory, "magento-oauth.key"))));
        _endpoint = ServeCommand.Build(_store, "http://127.0.0.1:0", o =>
        {
            o.AllowPrivateStores = true;
            o.RetryDelay = TimeSpan.FromMilliseconds(100);
            o.MaxUnfinishedPerStoreHost = 1000;
            o.CallbackLimitPerAddress = 0;
        }, LogLevel.Trace, logging => logging.AddProvider(new CapturingLoggerProvider(_logs)), services: s => s.AddMagentoWebhooks(o =>
        {
            o.Url = new Uri(_receiver.Url + "?token=query-value-never-logged");
            o.Secret = Secret;
            o.InitialRetryDelay = TimeSpan.FromMilliseconds(100);
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(400);
        }));
        await _endpoint.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await _endpoint.StopAsync();
        await _endpoint.DisposeAsync();
        await _receiver.DisposeAsync();
        await _sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Every_transition_arrives_once_in_order_per_store_and_signed()
    {
        // A: activated, then reauthorized (new tokens), then superseded by B.
        (int aId, string aKey) = await CreateIntegrationAsync("A");
        await PostAsync($"sandbox/api/integrations/{aId}/activate");
        StoreConnection a = await WaitForAsync(aKey, c => c.Status == StoreStatus.Active);
        await PostAsync($"sandbox/api/integrations/{aId}/reauthorize");
        StoreConnection aRotated = await WaitForAsync(aKey, c => c.Status == StoreStatus.Active && c.AccessToken != a.AccessToken);

        // B: a second integration for the same store; linked to an account; then deleted in Magento, so its next call revokes it.
        (int bId, string bKey) = await CreateIntegrationAsync("B");
        await PostAsync($"sandbox/api/integrations/{bId}/activate");
        StoreConnection b = await WaitForAsync(bKey, c => c.Status == StoreStatus.Active);
        await WaitForAsync(aKey, c => c.Status == StoreStatus.Superseded);
        Assert.Equal(LinkResult.Linked, await _endpoint.Services.GetRequiredService<ConnectionLifecycle>().LinkAccountAsync(b.Id, "account-7"));
        await Http.DeleteAsync(new Uri(_sandbox.BaseUrl, $"sandbox/api/integrations/{bId}"));
        using (HttpClient client = _endpoint.Services.GetRequiredService<IMagentoClientFactory>().CreateClient(b.Id))
        {
            using HttpResponseMessage refused = await client.GetAsync("V1/store/storeConfigs");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await WaitForAsync(bKey, c => c.Status == StoreStatus.Revoked);

        // F: a callback for an integration Magento does not know: its exchange fails.
        string fKey = Guid.NewGuid().ToString("N");
        string fSecret = Guid.NewGuid().ToString("N");
        using (HttpResponseMessage posted = await Http.PostAsync(EndpointUrl + "/magento/callback", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["oauth_consumer_key"] = fKey, ["oauth_consumer_secret"] = fSecret, ["oauth_verifier"] = Guid.NewGuid().ToString("N"), ["store_base_url"] = _sandbox.BaseUrl.AbsoluteUri,
        })))
        {
            posted.EnsureSuccessStatusCode();
        }

        StoreConnection f = await WaitForAsync(fKey, c => c.Status == StoreStatus.Failed);

        var expected = new Dictionary<Guid, string[]>
        {
            [a.Id] = ["connected", "rotated", "superseded"],
            [b.Id] = ["connected", "account_linked", "revoked"],
            [f.Id] = ["failed"],
        };
        IReadOnlyList<WebhookReceiver.Delivery> events = await _receiver.WaitForAsync(
            got => expected.All(e => got.Count(d => d.StoreId == e.Key.ToString()) >= e.Value.Length), Patience, () => string.Join('\n', _logs.TakeLast(30)));

        foreach ((Guid store, string[] types) in expected)
        {
            Assert.Equal(types, events.Where(d => d.StoreId == store.ToString()).Select(d => d.Type));
        }

        Assert.Equal(expected.Values.Sum(t => t.Length), events.Count);
        Assert.All(_receiver.Accepted, d =>
        {
            Assert.True(d.SignedWith(Secret), "signature of " + d.Text);
            Assert.Equal("application/json", d.ContentType);
            Assert.Equal(d.EventId, d.EventIdHeader);
            Assert.Equal("?token=query-value-never-logged", d.Query);
        });
        Assert.All(events, d => Assert.True(_receiver.AttemptsOf(d.EventId) >= 2, "each event was refused once, then retried"));

        // The payload: the store's public fields, never a secret or a token.
        JsonObject superseded = events.Single(d => d.StoreId == a.Id.ToString() && d.Type == "superseded").Store;
        Assert.Equal(("superseded", b.Id.ToString(), _sandbox.BaseUrl.AbsoluteUri), ((string)superseded["status"]!, (string)superseded["supersededBy"]!, (string)superseded["storeBaseUrl"]!));
        Assert.Equal("account-7", (string)events.Single(d => d.Type == "account_linked").Store["accountId"]!);
        Assert.Equal("active", (string)events.Single(d => d.Type == "rotated").Store["status"]!);
        JsonObject failed = events.Single(d => d.Type == "failed").Store;
        Assert.Equal("failed", (string)failed["status"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)failed["reason"]));
        string everything = string.Concat(_receiver.Accepted.Select(d => d.Text));
        foreach (string secret in new[] { a.ConsumerSecret, a.AccessToken!, a.AccessTokenSecret!, aRotated.AccessToken!, aRotated.AccessTokenSecret!, b.ConsumerSecret, b.AccessToken!, b.AccessTokenSecret!, fSecret })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }

        string logs = string.Join('\n', _logs);
        Assert.Contains("Webhooks on", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("query-value-never-logged", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_the_event_waits_for_a_2xx_from_the_url_itself()
    {
        await using var redirecting = await RedirectingReceiver.StartAsync(_receiver.Url);
        await using WebApplication endpoint = ServeCommand.Build(new InMemoryCredentialStore(), "http://127.0.0.1:0", o => o.AllowPrivateStores = true, LogLevel.Warning,
            services: s => s.AddMagentoWebhooks(o =>
            {
                o.Url = new Uri(redirecting.Url);
                o.Secret = Secret;
                o.InitialRetryDelay = TimeSpan.FromMilliseconds(100);
                o.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
            }));
        await endpoint.StartAsync();
        var store = (InMemoryCredentialStore)endpoint.Services.GetRequiredService<ICredentialStore>();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        Assert.True(await endpoint.Services.GetRequiredService<ConnectionLifecycle>().AddVerifiedAsync(new StoreConnection
        {
            Id = Guid.NewGuid(), StoreBaseUrl = "https://shop.example.com/", ConsumerKey = Guid.NewGuid().ToString("N"), ConsumerSecret = "cs",
            AccessToken = "at", AccessTokenSecret = "ats", Status = StoreStatus.Active, Step = ExchangeStep.Verified, ReceivedAt = now, UpdatedAt = now,
        }));

        // Bounded: the redirecting receiver is asked several times, the target never.
        DateTime until = DateTime.UtcNow + Patience;
        while (redirecting.Requests < 3 && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }

        Assert.True(redirecting.Requests >= 3, "the sender retries after a 3xx");
        Assert.Empty(_receiver.Accepted);
        await endpoint.StopAsync();
        OutboxEvent pending = Assert.Single(await store.ClaimDueEventsAsync("test", DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(2), 10));
        Assert.True(pending.Attempts > redirecting.Requests - 1, "still undelivered, with every attempt counted");
    }

    private async Task<(int Id, string ConsumerKey)> CreateIntegrationAsync(string name)
    {
        var body = new JsonObject { ["name"] = name, ["callbackUrl"] = EndpointUrl + "/magento/callback", ["identityLinkUrl"] = EndpointUrl + "/magento/identity" };
        using HttpResponseMessage response = await Http.PostAsync(new Uri(_sandbox.BaseUrl, "sandbox/api/integrations"), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        JsonObject created = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        return ((int)created["id"]!, (string)created["consumerKey"]!);
    }

    private async Task PostAsync(string path)
    {
        using HttpResponseMessage response = await Http.PostAsync(new Uri(_sandbox.BaseUrl, path), null);
        response.EnsureSuccessStatusCode();
    }

    private Task<StoreConnection> WaitForAsync(string consumerKey, Func<StoreConnection, bool> done) => StoreWait.ForAsync(_store, consumerKey, done, Patience);
}
