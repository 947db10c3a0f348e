using System.Security.Cryptography;
using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Cli.Commands;
using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.PostgreSql;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations.Tests.Webhooks;

/// <summary>
/// Two instances sharing one PostgreSQL database, both sending webhooks: every event arrives, each store's events in
/// order, whichever instance recorded or sent them.
/// </summary>
public sealed class WebhookInstancesTests : IAsyncLifetime
{
    private ThrowawayPostgres _postgres = null!;

    public async Task InitializeAsync() => _postgres = await ThrowawayPostgres.StartAsync();

    public async Task DisposeAsync() => await _postgres.DisposeAsync();

    [Fact]
    public async Task Two_instances_deliver_every_event_in_order_per_store()
    {
        string database = await _postgres.CreateDatabaseAsync();
        var protector = new SecretProtector(RandomNumberGenerator.GetBytes(32));
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync(refuseFirstAttempt: true);
        await using PostgreSqlCredentialStore storeA = await PostgreSqlCredentialStore.OpenAsync(database, protector);
        await using PostgreSqlCredentialStore storeB = await PostgreSqlCredentialStore.OpenAsync(database, protector);
        await using WebApplication a = Instance(storeA, receiver);
        await using WebApplication b = Instance(storeB, receiver);
        await a.StartAsync();
        await b.StartAsync();

        // 30 stores, three transitions each, recorded by one instance or the other (even interleaved on one store).
        var stores = new List<Guid>();
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(async () =>
        {
            ConnectionLifecycle first = (i % 2 == 0 ? a : b).Services.GetRequiredService<ConnectionLifecycle>();
            ConnectionLifecycle second = (i % 3 == 0 ? a : b).Services.GetRequiredService<ConnectionLifecycle>();
            DateTimeOffset now = DateTimeOffset.UtcNow;
            var connection = new StoreConnection
            {
                Id = Guid.NewGuid(), StoreBaseUrl = $"https://shop{i}.example.com/", ConsumerKey = Guid.NewGuid().ToString("N"), ConsumerSecret = "cs",
                AccessToken = "at-" + i, AccessTokenSecret = "ats", Status = StoreStatus.Active, Step = ExchangeStep.Verified, ReceivedAt = now, UpdatedAt = now,
            };
            Assert.True(await first.AddVerifiedAsync(connection));
            Assert.Equal(LinkResult.Linked, await second.LinkAccountAsync(connection.Id, "account-" + i));
            Assert.NotNull(await first.RevokeAsync(connection.Id, "at-" + i, "The integration was deleted.", default));
            lock (stores)
            {
                stores.Add(connection.Id);
            }
        })));

        IReadOnlyList<WebhookReceiver.Delivery> events = await receiver.WaitForAsync(got => got.Count >= 90, TimeSpan.FromSeconds(90));

        Assert.Equal(90, events.Count);
        Assert.All(stores, id => Assert.Equal(["connected", "account_linked", "revoked"], events.Where(d => d.StoreId == id.ToString()).Select(d => d.Type)));
        Assert.All(receiver.Accepted, d => Assert.True(d.SignedWith(WebhookDeliveryTests.Secret)));
        await a.StopAsync();
        await b.StopAsync();
    }

    private static WebApplication Instance(PostgreSqlCredentialStore store, WebhookReceiver receiver) =>
        ServeCommand.Build(store, "http://127.0.0.1:0", o => o.AllowPrivateStores = true, LogLevel.Warning, services: s => s.AddMagentoWebhooks(o =>
        {
            o.Url = new Uri(receiver.Url);
            o.Secret = WebhookDeliveryTests.Secret;
            o.InitialRetryDelay = TimeSpan.FromMilliseconds(100);
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(300);
            o.PollInterval = TimeSpan.FromMilliseconds(200);
        }));
}
