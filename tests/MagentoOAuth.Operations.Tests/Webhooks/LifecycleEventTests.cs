using System.Text.Json.Nodes;
using MagentoOAuth.AspNetCore;
using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace MagentoOAuth.Operations.Tests.Webhooks;

/// <summary>Which transitions the lifecycle writes to the outbox, and how it tells connected from rotated.</summary>
public sealed class LifecycleEventTests
{
    private readonly InMemoryCredentialStore _memory = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private ConnectionLifecycle Lifecycle(IConnectionStore store, bool recordEvents) =>
        new(store, _memory, Microsoft.Extensions.Options.Options.Create(new MagentoIntegrationOptions { RecordEvents = recordEvents }), _time, NullLogger<ConnectionLifecycle>.Instance);

    private async Task<List<string>> TypesAsync() =>
        (await _memory.ClaimDueEventsAsync("test", _time.GetUtcNow().AddDays(1), _time.GetUtcNow().AddDays(2), 100))
            .Select(e => (string)JsonNode.Parse(e.Payload)!["type"]!).ToList();

    private static async Task<StoreConnection> ActivateAsync(ConnectionLifecycle lifecycle, StoreConnection received)
    {
        StoreConnection exchanged = (await lifecycle.AdvanceAsync(received, c => c with { Step = ExchangeStep.AccessToken, AccessToken = Guid.NewGuid().ToString("N"), AccessTokenSecret = "ats" }, default))!;
        return (await lifecycle.ActivateAsync(exchanged, c => c with { Step = ExchangeStep.Verified }, default))!;
    }

    [Fact]
    public async Task A_reauthorize_of_a_connection_that_never_worked_is_connected_and_of_one_that_did_rotated()
    {
        ConnectionLifecycle lifecycle = Lifecycle(_memory, recordEvents: true);
        var credentials = new ReceivedCredentials(Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"), "v1", "https://shop.example.com/");
        StoreConnection received = (await lifecycle.ReceiveAsync(credentials)).Connection!;
        await lifecycle.FailAsync(received, "The store did not answer.", default);

        _time.Advance(TimeSpan.FromMinutes(1));
        StoreConnection again = (await lifecycle.ReceiveAsync(credentials with { Verifier = "v2" })).Connection!;
        StoreConnection active = await ActivateAsync(lifecycle, again);

        _time.Advance(TimeSpan.FromMinutes(1));
        StoreConnection reauthorized = (await lifecycle.ReceiveAsync(credentials with { Verifier = "v3" })).Connection!;
        StoreConnection rotated = await ActivateAsync(lifecycle, reauthorized);

        Assert.Equal(StoreStatus.Active, rotated.Status);
        Assert.NotEqual(active.AccessToken, rotated.AccessToken);
        // Received, exchanging and reauthorized make no event; the outbox hands out one store's events one at a time.
        List<string> types = [];
        for (int i = 0; i < 5 && await _memory.ClaimDueEventsAsync("test", _time.GetUtcNow(), _time.GetUtcNow().AddMinutes(1), 10) is [var next]; i++)
        {
            types.Add((string)JsonNode.Parse(next.Payload)!["type"]!);
            await _memory.MarkEventDeliveredAsync(next.Sequence, _time.GetUtcNow());
        }

        Assert.Equal(["failed", "connected", "rotated"], types);
    }

    [Fact]
    public async Task Without_webhooks_or_with_a_store_that_has_no_outbox_no_event_is_written_and_the_lifecycle_works()
    {
        StoreConnection off = await ActivateAsync(Lifecycle(_memory, recordEvents: false),
            (await Lifecycle(_memory, recordEvents: false).ReceiveAsync(new ReceivedCredentials(Guid.NewGuid().ToString("N"), "cs", "v", "https://a.example.com/"))).Connection!);
        ConnectionLifecycle wrapped = Lifecycle(new OnlyConnections(_memory), recordEvents: true);
        StoreConnection viaWrapper = await ActivateAsync(wrapped, (await wrapped.ReceiveAsync(new ReceivedCredentials(Guid.NewGuid().ToString("N"), "cs", "v", "https://b.example.com/"))).Connection!);

        Assert.Equal((StoreStatus.Active, StoreStatus.Active), (off.Status, viaWrapper.Status));
        Assert.Empty(await TypesAsync());
    }

    [Fact]
    public async Task An_event_holds_the_public_fields_of_the_stored_connection_only()
    {
        ConnectionLifecycle lifecycle = Lifecycle(_memory, recordEvents: true);
        StoreConnection received = (await lifecycle.ReceiveAsync(new ReceivedCredentials(Guid.NewGuid().ToString("N"), "consumer-secret-value", "verifier-value", "https://shop.example.com/"))).Connection!;
        StoreConnection active = await ActivateAsync(lifecycle, received);
        Assert.Equal(LinkResult.Linked, await lifecycle.LinkAccountAsync(active.Id, "account-9"));

        IReadOnlyList<OutboxEvent> events = await _memory.ClaimDueEventsAsync("test", _time.GetUtcNow(), _time.GetUtcNow().AddMinutes(1), 10);
        OutboxEvent connected = Assert.Single(events);
        JsonObject body = JsonNode.Parse(connected.Payload)!.AsObject();
        Assert.Equal(["id", "type", "occurredAt", "store"], body.Select(p => p.Key));
        Assert.Equal(["id", "storeBaseUrl", "status", "reason", "accountId", "name", "supersededBy"], body["store"]!.AsObject().Select(p => p.Key));
        Assert.Equal((connected.EventId.ToString(), active.Id.ToString(), "active"), ((string)body["id"]!, (string)body["store"]!["id"]!, (string)body["store"]!["status"]!));
        Assert.Equal(_time.GetUtcNow(), DateTimeOffset.Parse((string)body["occurredAt"]!, System.Globalization.CultureInfo.InvariantCulture));
        foreach (string secret in new[] { "consumer-secret-value", "verifier-value", active.AccessToken!, active.AccessTokenSecret!, active.ConsumerKey })
        {
            Assert.DoesNotContain(secret, connected.Payload, StringComparison.Ordinal);
        }

        await _memory.MarkEventDeliveredAsync(connected.Sequence, _time.GetUtcNow());
        JsonObject linked = JsonNode.Parse(Assert.Single(await _memory.ClaimDueEventsAsync("test", _time.GetUtcNow(), _time.GetUtcNow().AddMinutes(1), 10)).Payload)!.AsObject();
        Assert.Equal(("account_linked", "account-9"), ((string)linked["type"]!, (string)linked["store"]!["accountId"]!));
    }

    /// <summary>A wrapper of the store, as tests and apps make: only <see cref="IConnectionStore"/>.</summary>
    private sealed class OnlyConnections(InMemoryCredentialStore inner) : IConnectionStore
    {
        public Task<bool> InsertAsync(StoreConnection connection, CancellationToken cancellationToken = default) => inner.InsertAsync(connection, cancellationToken);

        public Task<bool> UpdateAsync(StoreConnection connection, long expectedVersion, CancellationToken cancellationToken = default) => inner.UpdateAsync(connection, expectedVersion, cancellationToken);

        public Task<StoreConnection?> FindAsync(Guid id, CancellationToken cancellationToken = default) => inner.FindAsync(id, cancellationToken);

        public Task<StoreConnection?> FindByConsumerKeyAsync(string consumerKey, CancellationToken cancellationToken = default) => inner.FindByConsumerKeyAsync(consumerKey, cancellationToken);

        public Task<IReadOnlyList<StoreConnection>> FindByStoreBaseUrlAsync(string storeBaseUrl, CancellationToken cancellationToken = default) => inner.FindByStoreBaseUrlAsync(storeBaseUrl, cancellationToken);

        public Task<IReadOnlyList<StoreConnection>> ListUnfinishedAsync(int limit, CancellationToken cancellationToken = default) => inner.ListUnfinishedAsync(limit, cancellationToken);

        public Task<ConnectionPage> ListAsync(ConnectionQuery query, CancellationToken cancellationToken = default) => inner.ListAsync(query, cancellationToken);

        public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default) => inner.DeleteAsync(id, cancellationToken);
    }
}
