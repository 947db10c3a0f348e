
namespace MagentoOAuth.Storage.Tests;

/// <summary>The contract of <see cref="ICredentialStore"/>: every backend's test class inherits these cases unchanged.</summary>
public abstract class CredentialStoreConformanceTests
{
    protected abstract Task<ICredentialStore> CreateStoreAsync();

    protected static StoreConnection NewConnection(string? key = null, StoreStatus status = StoreStatus.Pending) => new()
    {
        Id = Guid.NewGuid(),
        StoreBaseUrl = "https://shop.example.com/",
        ConsumerKey = key ?? Guid.NewGuid().ToString("N"),
        ConsumerSecret = "cs-" + Guid.NewGuid().ToString("N"),
        Verifier = "vf-" + Guid.NewGuid().ToString("N"),
        Status = status,
        ReceivedAt = DateTimeOffset.Parse("2026-11-27T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
        UpdatedAt = DateTimeOffset.Parse("2026-11-27T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task A_connection_round_trips_with_every_field()
    {
        ICredentialStore store = await CreateStoreAsync();
        StoreConnection connection = NewConnection() with
        {
            RequestToken = "rt", RequestTokenSecret = "rts", AccessToken = "at", AccessTokenSecret = "ats", Status = StoreStatus.Active,
            StatusReason = "ok", Step = ExchangeStep.Verified, Attempts = 2, AccountId = "acct-1", StoreName = "default", Locale = "fr_FR",
            Currency = "EUR", Profile = Signing.SignatureProfile.MagentoG2, StoreBaseUrl = "https://shop.example.com/index.php/",
        };

        Assert.True(await store.InsertAsync(connection));

        Assert.Equal(connection, await store.FindAsync(connection.Id));
        Assert.Equal(connection, await store.FindByConsumerKeyAsync(connection.ConsumerKey));
    }

    [Fact]
    public async Task Unknown_ids_and_keys_give_null()
    {
        ICredentialStore store = await CreateStoreAsync();
        Assert.Null(await store.FindAsync(Guid.NewGuid()));
        Assert.Null(await store.FindByConsumerKeyAsync("nope"));
    }

    [Fact]
    public async Task Consumer_keys_are_unique()
    {
        ICredentialStore store = await CreateStoreAsync();
        Assert.True(await store.InsertAsync(NewConnection("same")));
        Assert.False(await store.InsertAsync(NewConnection("same")));
        Assert.Single(await store.ListAsync());
    }

    [Fact]
    public async Task Updates_apply_only_at_the_expected_version()
    {
        ICredentialStore store = await CreateStoreAsync();
        StoreConnection connection = NewConnection();
        await store.InsertAsync(connection);

        Assert.True(await store.UpdateAsync(connection with { Status = StoreStatus.Exchanging }, 0));
        Assert.False(await store.UpdateAsync(connection with { Status = StoreStatus.Failed }, 0));

        StoreConnection stored = (await store.FindAsync(connection.Id))!;
        Assert.Equal((StoreStatus.Exchanging, 1L), (stored.Status, stored.Version));
    }

    [Fact]
    public async Task Of_two_workers_racing_on_one_change_exactly_one_wins()
    {
        ICredentialStore store = await CreateStoreAsync();
        StoreConnection connection = NewConnection();
        await store.InsertAsync(connection);

        bool[] wins = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => store.UpdateAsync(connection with { StatusReason = "worker " + i }, 0))));

        Assert.Equal(1, wins.Count(w => w));
    }

    [Fact]
    public async Task Deleting_twice_succeeds_and_removes_history()
    {
        ICredentialStore store = await CreateStoreAsync();
        StoreConnection connection = NewConnection();
        await store.InsertAsync(connection);
        await store.AddRotationAsync(new CredentialRotation(connection.Id, connection.ConsumerKey, "abcd", DateTimeOffset.UtcNow, "reauthorized"));

        Assert.True(await store.DeleteAsync(connection.Id));
        Assert.False(await store.DeleteAsync(connection.Id));
        Assert.Empty(await store.ListRotationsAsync(connection.Id));
    }

    [Fact]
    public async Task Rotations_keep_their_order()
    {
        ICredentialStore store = await CreateStoreAsync();
        StoreConnection connection = NewConnection();
        await store.InsertAsync(connection);
        await store.AddRotationAsync(new CredentialRotation(connection.Id, connection.ConsumerKey, "1111", DateTimeOffset.UtcNow, "reauthorized"));
        await store.AddRotationAsync(new CredentialRotation(connection.Id, connection.ConsumerKey, "2222", DateTimeOffset.UtcNow, "superseded"));

        Assert.Equal(new string?[] { "1111", "2222" }, (await store.ListRotationsAsync(connection.Id)).Select(r => r.AccessTokenFingerprint));
    }

    [Fact]
    public async Task A_claim_excludes_other_owners_until_its_lease_ends()
    {
        ICredentialStore store = await CreateStoreAsync();
        StoreConnection connection = NewConnection();
        await store.InsertAsync(connection);
        DateTimeOffset now = DateTimeOffset.Parse("2026-11-27T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(await store.TryClaimAsync(connection.Id, "a", now, now.AddSeconds(30)));
        Assert.False(await store.TryClaimAsync(connection.Id, "b", now.AddSeconds(10), now.AddSeconds(40)));
        Assert.True(await store.TryClaimAsync(connection.Id, "a", now.AddSeconds(20), now.AddSeconds(50)), "the holder renews");
        Assert.False(await store.TryClaimAsync(connection.Id, "b", now.AddSeconds(45), now.AddSeconds(75)));
        Assert.True(await store.TryClaimAsync(connection.Id, "b", now.AddSeconds(51), now.AddSeconds(81)), "a lapsed lease is taken over");

        await store.ReleaseAsync(connection.Id, "a");
        Assert.False(await store.TryClaimAsync(connection.Id, "a", now.AddSeconds(52), now.AddSeconds(82)), "only the holder releases");
        await store.ReleaseAsync(connection.Id, "b");
        Assert.True(await store.TryClaimAsync(connection.Id, "a", now.AddSeconds(53), now.AddSeconds(83)));
        Assert.False(await store.TryClaimAsync(Guid.NewGuid(), "a", now, now.AddSeconds(1)));
    }

    [Fact]
    public async Task Of_many_instances_racing_to_claim_a_store_exactly_one_wins()
    {
        ICredentialStore store = await CreateStoreAsync();
        StoreConnection connection = NewConnection();
        await store.InsertAsync(connection);
        DateTimeOffset now = DateTimeOffset.UtcNow;

        bool[] wins = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => store.TryClaimAsync(connection.Id, "instance-" + i, now, now.AddSeconds(30)))));

        Assert.Equal(1, wins.Count(w => w));
    }

    [Fact]
    public async Task Many_connections_list_in_arrival_order()
    {
        ICredentialStore store = await CreateStoreAsync();
        var connections = Enumerable.Range(0, 50).Select(i => NewConnection() with { ReceivedAt = DateTimeOffset.UnixEpoch.AddMinutes(i) }).ToList();
        await Task.WhenAll(connections.Select(c => store.InsertAsync(c)));

        Assert.Equal(connections.Select(c => c.Id), (await store.ListAsync()).Select(c => c.Id));
    }
}

public sealed class InMemoryCredentialStoreTests : CredentialStoreConformanceTests
{
    protected override Task<ICredentialStore> CreateStoreAsync() => Task.FromResult<ICredentialStore>(new InMemoryCredentialStore());
}
