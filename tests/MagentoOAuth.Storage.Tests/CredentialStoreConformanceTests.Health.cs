using System.Globalization;

namespace MagentoOAuth.Storage.Tests;

/// <summary>Store health (<see cref="IStoreHealthStore"/>) and status counts, on every backend.</summary>
public abstract partial class CredentialStoreConformanceTests
{
    private static readonly DateTimeOffset Noon = DateTimeOffset.Parse("2026-11-27T12:00:00Z", CultureInfo.InvariantCulture);

    private static StoreHealth Health(Guid id, DateTimeOffset at, int calls, int failures, string? failure = null, StoreAvailability availability = StoreAvailability.Available) => new()
    {
        ConnectionId = id,
        LastSuccessAt = calls > failures ? at : null,
        LastFailureAt = failure is null ? null : at,
        LastFailure = failure,
        LastFailureStatus = failure is null ? null : 503,
        Availability = availability,
        Buckets = [new HealthBucket(StoreHealth.SlotOf(at), calls, failures)],
        UpdatedAt = at,
    };

    private async Task<(ICredentialStore Store, IStoreHealthStore Health)> HealthStoreAsync()
    {
        ICredentialStore store = await CreateStoreAsync();
        return (store, Assert.IsAssignableFrom<IStoreHealthStore>(store));
    }

    [Fact]
    public async Task Health_round_trips_with_every_field()
    {
        var (store, health) = await HealthStoreAsync();
        StoreConnection c = NewConnection(status: StoreStatus.Active);
        await store.InsertAsync(c);
        StoreHealth written = Health(c.Id, Noon, 7, 2, "Magento said: \"Internal error\" — ünïcode 🛒", StoreAvailability.Probing) with
        {
            Buckets = [new HealthBucket(StoreHealth.SlotOf(Noon.AddMinutes(-30)), 5, 1), new HealthBucket(StoreHealth.SlotOf(Noon), 7, 2)],
            LastSuccessAt = Noon.AddSeconds(-3),
        };

        await health.SaveHealthAsync([written]);
        IReadOnlyDictionary<Guid, StoreHealth> found = await health.FindHealthAsync([c.Id, Guid.NewGuid()]);

        StoreHealth read = Assert.Single(found).Value;
        Assert.Equal(written with { Buckets = [] }, read with { Buckets = [] });
        Assert.Equal(written.Buckets, read.Buckets);
        Assert.Equal((12, 3), read.CountSince(Noon, TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task Batches_add_to_the_stored_counts_instead_of_replacing_them()
    {
        var (store, health) = await HealthStoreAsync();
        StoreConnection a = NewConnection(), b = NewConnection();
        await store.InsertAsync(a);
        await store.InsertAsync(b);

        // Two instances' batches for the same store, and another store in the same batch.
        await health.SaveHealthAsync([Health(a.Id, Noon, 3, 1, "first failure"), Health(b.Id, Noon, 1, 0)]);
        await health.SaveHealthAsync([Health(a.Id, Noon.AddMinutes(1), 4, 0, availability: StoreAvailability.Unavailable)]);
        await health.SaveHealthAsync([Health(a.Id, Noon.AddMinutes(6), 2, 2, "later failure")]);

        IReadOnlyDictionary<Guid, StoreHealth> found = await health.FindHealthAsync([a.Id, b.Id]);
        StoreHealth h = found[a.Id];
        Assert.Equal([new HealthBucket(StoreHealth.SlotOf(Noon), 7, 1), new HealthBucket(StoreHealth.SlotOf(Noon.AddMinutes(6)), 2, 2)], h.Buckets);
        Assert.Equal("later failure", h.LastFailure);
        Assert.Equal(Noon.AddMinutes(6), h.LastFailureAt);
        Assert.Equal(Noon.AddMinutes(1), h.LastSuccessAt);
        Assert.Equal(StoreAvailability.Available, h.Availability);
        Assert.Equal(Noon.AddMinutes(6), h.UpdatedAt);
        Assert.Equal((1, 0), found[b.Id].CountSince(Noon, TimeSpan.FromDays(1)));
    }

    [Fact]
    public async Task Slots_older_than_a_day_are_dropped_and_an_older_failure_does_not_hide_a_newer_one()
    {
        var (store, health) = await HealthStoreAsync();
        StoreConnection c = NewConnection();
        await store.InsertAsync(c);
        await health.SaveHealthAsync([Health(c.Id, Noon, 3, 3, "new failure")]);

        // A batch written late by a slow instance: its failure is older, its slot more than a day before the newest update.
        await health.SaveHealthAsync([Health(c.Id, Noon.AddDays(-2), 9, 9, "old failure") with { UpdatedAt = Noon.AddDays(-2) }]);

        StoreHealth h = (await health.FindHealthAsync([c.Id]))[c.Id];
        Assert.Equal("new failure", h.LastFailure);
        Assert.Equal([new HealthBucket(StoreHealth.SlotOf(Noon), 3, 3)], h.Buckets);
    }

    [Fact]
    public async Task Concurrent_batches_for_one_store_lose_no_count()
    {
        var (store, health) = await HealthStoreAsync();
        StoreConnection c = NewConnection();
        await store.InsertAsync(c);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => health.SaveHealthAsync([Health(c.Id, Noon.AddSeconds(i), 1, 0)]))));

        Assert.Equal((8, 0), (await health.FindHealthAsync([c.Id]))[c.Id].CountSince(Noon, TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task Health_of_a_removed_or_unknown_store_is_not_kept()
    {
        var (store, health) = await HealthStoreAsync();
        StoreConnection c = NewConnection();
        await store.InsertAsync(c);
        await health.SaveHealthAsync([Health(c.Id, Noon, 1, 0), Health(Guid.NewGuid(), Noon, 1, 0)]);
        Assert.Single(await health.FindHealthAsync([c.Id]));

        await store.DeleteAsync(c.Id);
        await health.SaveHealthAsync([Health(c.Id, Noon.AddMinutes(1), 1, 0)]);

        Assert.Empty(await health.FindHealthAsync([c.Id]));
        Assert.True(await store.InsertAsync(c));
        Assert.Empty(await health.FindHealthAsync([c.Id]));
    }

    [Fact]
    public async Task Many_stores_are_written_and_read_in_one_batch()
    {
        var (store, health) = await HealthStoreAsync();
        List<StoreConnection> stores = [.. Enumerable.Range(0, 450).Select(_ => NewConnection())];
        foreach (StoreConnection c in stores)
        {
            await store.InsertAsync(c);
        }

        await health.SaveHealthAsync([.. stores.Select((c, i) => Health(c.Id, Noon, i + 1, 0))]);

        IReadOnlyDictionary<Guid, StoreHealth> found = await health.FindHealthAsync([.. stores.Select(c => c.Id)]);
        Assert.Equal(stores.Count, found.Count);
        Assert.All(stores.Select((c, i) => (c, i)), x => Assert.Equal((x.i + 1, 0), found[x.c.Id].CountSince(Noon, TimeSpan.FromHours(1))));
    }

    [Fact]
    public async Task Stores_are_counted_by_status()
    {
        ICredentialStore store = await CreateStoreAsync();
        var counter = Assert.IsAssignableFrom<IStoreStatusCounter>(store);
        Assert.Empty(await counter.CountByStatusAsync());
        foreach (StoreStatus status in new[] { StoreStatus.Active, StoreStatus.Active, StoreStatus.Failed, StoreStatus.Active, StoreStatus.Revoked })
        {
            await store.InsertAsync(NewConnection(status: status));
        }

        IReadOnlyDictionary<StoreStatus, long> counts = await counter.CountByStatusAsync();

        Assert.Equal(new Dictionary<StoreStatus, long> { [StoreStatus.Active] = 3, [StoreStatus.Failed] = 1, [StoreStatus.Revoked] = 1 }, counts.OrderBy(c => c.Key).ToDictionary());
    }
}
