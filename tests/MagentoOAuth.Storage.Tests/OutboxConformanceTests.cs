using System.Globalization;
using System.Security.Cryptography;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.PostgreSql;
using MagentoOAuth.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace MagentoOAuth.Storage.Tests;

/// <summary>The contract of <see cref="IEventOutbox"/>: the same cases against every backend.</summary>
public abstract class OutboxConformanceTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-01T10:00:00Z", CultureInfo.InvariantCulture);

    protected abstract Task<ICredentialStore> CreateStoreAsync();

    private async Task<(ICredentialStore Store, IEventOutbox Outbox)> OpenAsync()
    {
        ICredentialStore store = await CreateStoreAsync();
        return (store, Assert.IsAssignableFrom<IEventOutbox>(store));
    }

    private static StoreConnection NewConnection() => new()
    {
        Id = Guid.NewGuid(),
        StoreBaseUrl = "https://shop.example.com/",
        ConsumerKey = Guid.NewGuid().ToString("N"),
        ConsumerSecret = "cs-" + Guid.NewGuid().ToString("N"),
        Status = StoreStatus.Active,
        ReceivedAt = T0,
        UpdatedAt = T0,
        CreatedAt = T0,
    };

    private static OutboxEvent Event(StoreConnection c, string type, DateTimeOffset? at = null) =>
        new(Guid.NewGuid(), c.Id, at ?? T0, new System.Text.Json.Nodes.JsonObject { ["type"] = type, ["store"] = new System.Text.Json.Nodes.JsonObject { ["id"] = c.Id.ToString() } }.ToJsonString());

    [Fact]
    public async Task An_event_is_stored_with_its_row_and_round_trips()
    {
        var (store, outbox) = await OpenAsync();
        StoreConnection c = NewConnection();
        OutboxEvent connected = Event(c, "connected \u00e9\u00e8 \"quoted\"");

        Assert.True(await outbox.InsertWithEventAsync(c, connected));

        Assert.Equal(0, (await store.FindAsync(c.Id))!.Version);
        OutboxEvent claimed = Assert.Single(await outbox.ClaimDueEventsAsync("a", T0, T0.AddMinutes(1), 10));
        Assert.Equal((connected.EventId, connected.StoreId, connected.CreatedAt, connected.Payload, 1), (claimed.EventId, claimed.StoreId, claimed.CreatedAt, claimed.Payload, claimed.Attempts));
        Assert.True(claimed.Sequence > 0);
    }

    [Fact]
    public async Task A_version_conflict_stores_neither_the_change_nor_its_event()
    {
        var (store, outbox) = await OpenAsync();
        StoreConnection c = NewConnection();
        Assert.True(await store.InsertAsync(c));

        Assert.False(await outbox.UpdateWithEventAsync(c with { Status = StoreStatus.Revoked }, expectedVersion: 5, Event(c, "revoked")));

        Assert.Equal((StoreStatus.Active, 0L), ((await store.FindAsync(c.Id))!.Status, (await store.FindAsync(c.Id))!.Version));
        Assert.Empty(await outbox.ClaimDueEventsAsync("a", T0.AddDays(1), T0.AddDays(2), 10));
    }

    [Fact]
    public async Task A_taken_consumer_key_stores_no_event()
    {
        var (store, outbox) = await OpenAsync();
        StoreConnection c = NewConnection();
        Assert.True(await store.InsertAsync(c));

        Assert.False(await outbox.InsertWithEventAsync(NewConnection() with { ConsumerKey = c.ConsumerKey }, Event(c, "connected")));

        Assert.Empty(await outbox.ClaimDueEventsAsync("a", T0.AddDays(1), T0.AddDays(2), 10));
    }

    [Fact]
    public async Task An_event_that_cannot_be_stored_undoes_its_row_change()
    {
        // The event id is unique: writing one twice fails inside the transaction, after the row's UPDATE succeeded.
        var (store, outbox) = await OpenAsync();
        StoreConnection c = NewConnection();
        OutboxEvent first = Event(c, "connected");
        Assert.True(await outbox.InsertWithEventAsync(c, first));

        Assert.False(await outbox.UpdateWithEventAsync(c with { Status = StoreStatus.Revoked, StatusReason = "gone" }, 0, first with { Payload = "{}" }));

        StoreConnection stored = (await store.FindAsync(c.Id))!;
        Assert.Equal((StoreStatus.Active, (string?)null, 0L), (stored.Status, stored.StatusReason, stored.Version));
        Assert.Equal([first.Payload], (await outbox.ClaimDueEventsAsync("a", T0, T0.AddMinutes(1), 10)).Select(e => e.Payload));

        // And the same change with a fresh event goes through, both together.
        Assert.True(await outbox.UpdateWithEventAsync(c with { Status = StoreStatus.Revoked }, 0, Event(c, "revoked")));
        Assert.Equal(1, (await store.FindAsync(c.Id))!.Version);
    }

    [Fact]
    public async Task A_claim_holds_off_other_dispatchers_until_its_lease_lapses()
    {
        var (_, outbox) = await OpenAsync();
        StoreConnection c = NewConnection();
        Assert.True(await outbox.InsertWithEventAsync(c, Event(c, "connected")));

        Assert.Single(await outbox.ClaimDueEventsAsync("a", T0, T0.AddSeconds(30), 10));
        Assert.Empty(await outbox.ClaimDueEventsAsync("b", T0.AddSeconds(10), T0.AddSeconds(40), 10));

        // A rescheduling by someone who does not hold the claim changes nothing.
        OutboxEvent held = Assert.Single(await outbox.ClaimDueEventsAsync("b", T0.AddSeconds(31), T0.AddSeconds(61), 10));
        Assert.Equal(2, held.Attempts);
        await outbox.RetryEventLaterAsync(held.Sequence, "a", T0, "stale owner");
        Assert.Empty(await outbox.ClaimDueEventsAsync("c", T0.AddSeconds(32), T0.AddSeconds(62), 10));
    }

    [Fact]
    public async Task A_stores_events_are_due_one_at_a_time_in_order_while_other_stores_go_on()
    {
        var (store, outbox) = await OpenAsync();
        StoreConnection a = NewConnection(), b = NewConnection();
        Assert.True(await outbox.InsertWithEventAsync(a, Event(a, "a1")));
        Assert.True(await outbox.InsertWithEventAsync(b, Event(b, "b1")));
        Assert.True(await outbox.UpdateWithEventAsync(a with { Status = StoreStatus.Revoked }, 0, Event(a, "a2")));
        Assert.True(await outbox.UpdateWithEventAsync(b with { Status = StoreStatus.Revoked }, 0, Event(b, "b2")));

        IReadOnlyList<OutboxEvent> heads = await outbox.ClaimDueEventsAsync("x", T0, T0.AddMinutes(1), 10);
        Assert.Equal(["a1", "b1"], heads.Select(Type));

        // a1 fails and waits a minute; b1 arrives, so b2 is due while a2 still waits behind a1.
        await outbox.RetryEventLaterAsync(heads[0].Sequence, "x", T0.AddMinutes(1), "HTTP 503");
        await outbox.MarkEventDeliveredAsync(heads[1].Sequence, T0);
        Assert.Equal(["b2"], (await outbox.ClaimDueEventsAsync("x", T0.AddSeconds(1), T0.AddMinutes(1), 10)).Select(Type));

        OutboxEvent retried = Assert.Single(await outbox.ClaimDueEventsAsync("x", T0.AddMinutes(1), T0.AddMinutes(2), 10));
        Assert.Equal(("a1", 2), (Type(retried), retried.Attempts));
        await outbox.MarkEventDeliveredAsync(retried.Sequence, T0.AddMinutes(1));
        Assert.Equal(["a2"], (await outbox.ClaimDueEventsAsync("x", T0.AddMinutes(1), T0.AddMinutes(2), 10)).Select(Type));
        Assert.Equal(1, (await store.FindAsync(a.Id))!.Version);
    }

    [Fact]
    public async Task A_claim_takes_at_most_its_limit_oldest_first()
    {
        var (_, outbox) = await OpenAsync();
        var stores = Enumerable.Range(0, 5).Select(_ => NewConnection()).ToList();
        foreach (var (c, i) in stores.Select((c, i) => (c, i)))
        {
            Assert.True(await outbox.InsertWithEventAsync(c, Event(c, "e" + i)));
        }

        Assert.Equal(["e0", "e1", "e2"], (await outbox.ClaimDueEventsAsync("x", T0, T0.AddMinutes(1), 3)).Select(Type));
        Assert.Equal(["e3", "e4"], (await outbox.ClaimDueEventsAsync("x", T0, T0.AddMinutes(1), 3)).Select(Type));
    }

    [Fact]
    public async Task Delivered_events_are_pruned_after_the_retention_and_undelivered_ones_never()
    {
        var (_, outbox) = await OpenAsync();
        StoreConnection a = NewConnection(), b = NewConnection(), c = NewConnection();
        Assert.True(await outbox.InsertWithEventAsync(a, Event(a, "old")));
        Assert.True(await outbox.InsertWithEventAsync(b, Event(b, "recent")));
        Assert.True(await outbox.InsertWithEventAsync(c, Event(c, "undelivered")));
        IReadOnlyList<OutboxEvent> claimed = await outbox.ClaimDueEventsAsync("x", T0, T0.AddMinutes(1), 10);
        await outbox.MarkEventDeliveredAsync(claimed[0].Sequence, T0);
        await outbox.MarkEventDeliveredAsync(claimed[1].Sequence, T0.AddDays(2));
        await outbox.RetryEventLaterAsync(claimed[2].Sequence, "x", T0, "down");

        Assert.Equal(1, await outbox.DeleteDeliveredEventsAsync(T0.AddDays(1), 100));
        Assert.Equal(0, await outbox.DeleteDeliveredEventsAsync(T0.AddDays(1), 100));
        Assert.Equal(["undelivered"], (await outbox.ClaimDueEventsAsync("x", T0.AddDays(10), T0.AddDays(11), 10)).Select(Type));
        Assert.Equal(1, await outbox.DeleteDeliveredEventsAsync(T0.AddDays(10), 100));
    }

    private static string Type(OutboxEvent e) => System.Text.Json.JsonDocument.Parse(e.Payload).RootElement.GetProperty("type").GetString()!;
}

public sealed class InMemoryOutboxTests : OutboxConformanceTests
{
    protected override Task<ICredentialStore> CreateStoreAsync() => Task.FromResult<ICredentialStore>(new InMemoryCredentialStore());
}

public sealed class SqliteOutboxTests : OutboxConformanceTests, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("magento-oauth-outbox-").FullName;

    protected override async Task<ICredentialStore> CreateStoreAsync() =>
        await SqliteCredentialStore.OpenAsync(Path.Combine(_directory, "magento-oauth.db"), new SecretProtector(RandomNumberGenerator.GetBytes(32)));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}

[Collection("postgres")]
public sealed class PostgreSqlOutboxTests(PostgresFixture postgres) : OutboxConformanceTests
{
    protected override async Task<ICredentialStore> CreateStoreAsync() =>
        await PostgreSqlCredentialStore.OpenAsync(await postgres.Server.CreateDatabaseAsync(), new SecretProtector(RandomNumberGenerator.GetBytes(32)));

    [Fact]
    public async Task Dispatchers_racing_for_the_same_events_each_get_different_ones()
    {
        var store = (PostgreSqlCredentialStore)await CreateStoreAsync();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        for (int i = 0; i < 40; i++)
        {
            StoreConnection c = new()
            {
                Id = Guid.NewGuid(), StoreBaseUrl = "https://shop.example.com/", ConsumerKey = Guid.NewGuid().ToString("N"), ConsumerSecret = "cs",
                Status = StoreStatus.Active, ReceivedAt = now, UpdatedAt = now, CreatedAt = now,
            };
            Assert.True(await store.InsertWithEventAsync(c, new OutboxEvent(Guid.NewGuid(), c.Id, now, "{}")));
        }

        IReadOnlyList<OutboxEvent>[] claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => store.ClaimDueEventsAsync("d" + i, now, now.AddMinutes(1), 10))));

        // A dispatcher that lost every race gets nothing this round; what is left goes to the next claim.
        List<long> all = claims.SelectMany(c => c).Select(e => e.Sequence).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        all.AddRange((await store.ClaimDueEventsAsync("late", now, now.AddMinutes(1), 100)).Select(e => e.Sequence));
        Assert.Equal(40, all.Count);
        Assert.Equal(40, all.Distinct().Count());
        await store.DisposeAsync();
    }
}
