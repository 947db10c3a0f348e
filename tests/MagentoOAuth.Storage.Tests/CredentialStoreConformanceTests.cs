
namespace MagentoOAuth.Storage.Tests;

/// <summary>The contract of <see cref="ICredentialStore"/>: every backend's test class inherits these cases unchanged.</summary>
public abstract partial class CredentialStoreConformanceTests
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
        CreatedAt = DateTimeOffset.Parse("2026-11-27T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static HistoryEntry Entry(Guid id, string? fingerprint, ConnectionTransition transition = ConnectionTransition.Reauthorized) =>
        new(id, DateTimeOffset.UtcNow, transition, StoreStatus.Active, StoreStatus.Pending, "why", fingerprint);

    [Fact]
    public async Task Only_old_failed_activations_without_a_token_or_an_account_are_deleted_with_their_history()
    {
        ICredentialStore store = await CreateStoreAsync();
        DateTimeOffset cutoff = DateTimeOffset.Parse("2026-11-20T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        StoreConnection Old(StoreConnection c) => c with { UpdatedAt = cutoff.AddDays(-1) };
        StoreConnection[] doomed = [Old(NewConnection(status: StoreStatus.Failed)), Old(NewConnection(status: StoreStatus.Failed)), Old(NewConnection(status: StoreStatus.Failed))];
        StoreConnection[] kept =
        [
            NewConnection(status: StoreStatus.Failed) with { UpdatedAt = cutoff.AddMinutes(1) },  // too recent
            Old(NewConnection(status: StoreStatus.Failed)) with { AccessToken = "at", AccessTokenSecret = "ats" }, // it held a token
            Old(NewConnection(status: StoreStatus.Failed)) with { AccountId = "account-7" },       // an account relies on it
            Old(NewConnection(status: StoreStatus.Active)) with { AccessToken = "at", AccessTokenSecret = "ats" },
            Old(NewConnection(status: StoreStatus.Pending)),
            Old(NewConnection(status: StoreStatus.Revoked)),
        ];
        foreach (StoreConnection c in doomed.Concat(kept))
        {
            Assert.True(await store.InsertAsync(c));
        }

        await store.AddAsync(Entry(doomed[0].Id, null, ConnectionTransition.Failed));

        Assert.Equal(2, await store.DeleteFailedAsync(cutoff, limit: 2));
        Assert.Equal(1, await store.DeleteFailedAsync(cutoff, limit: 2));
        Assert.Equal(0, await store.DeleteFailedAsync(cutoff, limit: 2));
        Assert.All(doomed, c => Assert.Null(store.FindAsync(c.Id).Result));
        Assert.All(kept, c => Assert.NotNull(store.FindAsync(c.Id).Result));
        Assert.Empty(await store.ListAsync(doomed[0].Id));
        Assert.True(await store.InsertAsync(NewConnection(doomed[0].ConsumerKey)), "the consumer key is free again");
    }

    [Fact]
    public async Task A_connection_round_trips_with_every_field()
    {
        ICredentialStore store = await CreateStoreAsync();
        StoreConnection connection = NewConnection() with
        {
            RequestToken = "rt", RequestTokenSecret = "rts", AccessToken = "at", AccessTokenSecret = "ats", Status = StoreStatus.Active,
            StatusReason = "ok", Step = ExchangeStep.Verified, Attempts = 2, AccountId = "acct-1", StoreName = "default", Locale = "fr_FR",
            Currency = "EUR", Profile = Signing.SignatureProfile.MagentoG2, StoreBaseUrl = "https://shop.example.com/index.php/",
            AccountLinkedAt = DateTimeOffset.Parse("2026-11-27T10:01:00Z", System.Globalization.CultureInfo.InvariantCulture), SupersededBy = Guid.NewGuid(),
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
        Assert.Single(await store.ListAllAsync());
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
        await store.AddAsync(Entry(connection.Id, "abcd"));

        Assert.True(await store.DeleteAsync(connection.Id));
        Assert.False(await store.DeleteAsync(connection.Id));
        Assert.Empty(await store.ListAsync(connection.Id));
        Assert.Null(await store.FindByConsumerKeyAsync(connection.ConsumerKey));
        Assert.True(await store.InsertAsync(NewConnection(connection.ConsumerKey)), "the key is free again");
    }

    [Fact]
    public async Task History_keeps_its_order_and_every_field_and_the_limit_keeps_the_newest()
    {
        ICredentialStore store = await CreateStoreAsync();
        StoreConnection connection = NewConnection();
        await store.InsertAsync(connection);
        var first = new HistoryEntry(connection.Id, DateTimeOffset.Parse("2026-11-27T10:00:01Z", System.Globalization.CultureInfo.InvariantCulture), ConnectionTransition.Received, null, StoreStatus.Pending, "posted");
        await store.AddAsync(first);
        await store.AddAsync(Entry(connection.Id, "1111"));
        await store.AddAsync(Entry(connection.Id, "2222", ConnectionTransition.Superseded));
        await store.AddAsync(Entry(Guid.NewGuid(), "9999"));

        IReadOnlyList<HistoryEntry> all = await store.ListAsync(connection.Id);
        Assert.Equal(first, all[0]);
        Assert.Equal(new string?[] { null, "1111", "2222" }, all.Select(r => r.AccessTokenFingerprint));
        Assert.Equal(new string?[] { "1111", "2222" }, (await store.ListAsync(connection.Id, limit: 2)).Select(r => r.AccessTokenFingerprint));
    }

    [Fact]
    public async Task Connections_are_found_by_store_base_url_oldest_first()
    {
        ICredentialStore store = await CreateStoreAsync();
        StoreConnection older = NewConnection() with { StoreBaseUrl = "https://a.example.com/", CreatedAt = DateTimeOffset.UnixEpoch.AddDays(1) };
        StoreConnection newer = NewConnection() with { StoreBaseUrl = "https://a.example.com/", CreatedAt = DateTimeOffset.UnixEpoch.AddDays(2) };
        await store.InsertAsync(newer);
        await store.InsertAsync(older);
        await store.InsertAsync(NewConnection() with { StoreBaseUrl = "https://b.example.com/" });

        Assert.Equal([older.Id, newer.Id], (await store.FindByStoreBaseUrlAsync("https://a.example.com/")).Select(c => c.Id));
        Assert.Empty(await store.FindByStoreBaseUrlAsync("https://A.example.com/"));
    }

    [Fact]
    public async Task Unfinished_connections_come_oldest_activation_first_up_to_the_limit()
    {
        ICredentialStore store = await CreateStoreAsync();
        var pending = NewConnection(status: StoreStatus.Pending) with { ReceivedAt = DateTimeOffset.UnixEpoch.AddMinutes(3) };
        var exchanging = NewConnection(status: StoreStatus.Exchanging) with { ReceivedAt = DateTimeOffset.UnixEpoch.AddMinutes(1) };
        var third = NewConnection(status: StoreStatus.Pending) with { ReceivedAt = DateTimeOffset.UnixEpoch.AddMinutes(5) };
        foreach (StoreStatus done in new[] { StoreStatus.Active, StoreStatus.Failed, StoreStatus.Revoked, StoreStatus.Superseded })
        {
            await store.InsertAsync(NewConnection(status: done));
        }

        await store.InsertAsync(pending);
        await store.InsertAsync(exchanging);
        await store.InsertAsync(third);

        Assert.Equal([exchanging.Id, pending.Id, third.Id], (await store.ListUnfinishedAsync(10)).Select(c => c.Id));
        Assert.Equal([exchanging.Id, pending.Id], (await store.ListUnfinishedAsync(2)).Select(c => c.Id));
    }

    [Fact]
    public async Task Pages_cover_every_connection_once_in_creation_order_with_filters()
    {
        ICredentialStore store = await CreateStoreAsync();
        DateTimeOffset same = DateTimeOffset.UnixEpoch.AddDays(9);
        var connections = Enumerable.Range(0, 23).Select(i => NewConnection() with
        {
            // Ties in creation time are broken by id: paging must not lose or repeat them.
            CreatedAt = i < 10 ? same : DateTimeOffset.UnixEpoch.AddDays(10 + i),
            Status = i % 3 == 0 ? StoreStatus.Failed : StoreStatus.Active,
            AccountId = i % 2 == 0 ? "acct-even" : null,
            StoreName = i == 7 ? "My_Shop 100%" : "default",
            StoreBaseUrl = $"https://shop{i}.example.com/",
        }).ToList();
        foreach (StoreConnection c in connections.AsEnumerable().Reverse())
        {
            await store.InsertAsync(c);
        }

        async Task<List<Guid>> All(ConnectionQuery query)
        {
            var ids = new List<Guid>();
            string? after = null;
            for (int pages = 0; pages < 100; pages++)
            {
                ConnectionPage page = await store.ListAsync(query with { After = after });
                Assert.True(page.Items.Count <= query.PageSize);
                ids.AddRange(page.Items.Select(c => c.Id));
                if ((after = page.Next) is null)
                {
                    return ids;
                }
            }

            throw new InvalidOperationException("paging did not end");
        }

        List<Guid> expected = connections.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id.ToString(), StringComparer.Ordinal).Select(c => c.Id).ToList();
        Assert.Equal(expected, await All(new ConnectionQuery { PageSize = 4 }));
        Assert.Equal(expected.Where(id => connections.Single(c => c.Id == id).Status == StoreStatus.Failed), await All(new ConnectionQuery { PageSize = 3, Status = StoreStatus.Failed }));
        Assert.Equal(expected.Where(id => connections.Single(c => c.Id == id).AccountId == "acct-even"), await All(new ConnectionQuery { PageSize = 5, AccountId = "acct-even" }));
        Assert.Equal([connections[7].Id], await All(new ConnectionQuery { Text = "_SHOP 100%" }));
        Assert.Equal([connections[7].Id], await All(new ConnectionQuery { Text = "my_shop" }));
        Assert.Equal([connections[12].Id], await All(new ConnectionQuery { Text = "SHOP12." }));
        Assert.Equal([connections[3].Id], await All(new ConnectionQuery { Text = connections[3].ConsumerKey[4..20] }));
        Assert.Equal([connections[7].Id], await All(new ConnectionQuery { Text = "%" })); // a literal %, not a wildcard
        await Assert.ThrowsAsync<ArgumentException>(() => store.ListAsync(new ConnectionQuery { After = "not-a-cursor" }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListAsync(new ConnectionQuery { PageSize = 0 }));
    }

    [Fact]
    public async Task An_update_keeps_the_creation_time_and_cannot_take_another_connections_key()
    {
        ICredentialStore store = await CreateStoreAsync();
        StoreConnection a = NewConnection();
        StoreConnection b = NewConnection();
        await store.InsertAsync(a);
        await store.InsertAsync(b);

        Assert.False(await store.UpdateAsync(b with { ConsumerKey = a.ConsumerKey }, 0));
        Assert.True(await store.UpdateAsync(b with { CreatedAt = DateTimeOffset.UnixEpoch, Status = StoreStatus.Active }, 0));
        StoreConnection stored = (await store.FindAsync(b.Id))!;
        Assert.Equal((b.CreatedAt, b.ConsumerKey, StoreStatus.Active), (stored.CreatedAt, stored.ConsumerKey, stored.Status));
    }

    [Fact]
    public async Task Creation_time_defaults_to_the_activation_time()
    {
        ICredentialStore store = await CreateStoreAsync();
        StoreConnection connection = NewConnection() with { CreatedAt = default };
        await store.InsertAsync(connection);

        Assert.Equal(connection.ReceivedAt, (await store.FindAsync(connection.Id))!.CreatedAt);
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
        var connections = Enumerable.Range(0, 50).Select(i => NewConnection() with { CreatedAt = DateTimeOffset.UnixEpoch.AddMinutes(i) }).ToList();
        await Task.WhenAll(connections.Select(c => store.InsertAsync(c)));

        Assert.Equal(connections.Select(c => c.Id), (await store.ListAllAsync()).Select(c => c.Id));
    }
}

public sealed class InMemoryCredentialStoreTests : CredentialStoreConformanceTests
{
    protected override Task<ICredentialStore> CreateStoreAsync() => Task.FromResult<ICredentialStore>(new InMemoryCredentialStore());
}
