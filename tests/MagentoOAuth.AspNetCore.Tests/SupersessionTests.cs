using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Tests;

public sealed class SupersessionTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public async Task Integrations_verifying_at_the_same_moment_leave_exactly_the_newest_active(int integrations)
    {
        // The field report: every verification is stored before any of them looks for older connections to retire,
        // so each sees all the others active. The gate holds every store-URL query until all have arrived.
        var f = new LifecycleFixture(memory => new GatedStore(memory, integrations));
        var exchanged = new List<StoreConnection>();
        for (int i = 0; i < integrations; i++)
        {
            ReceiveResult received = await f.Lifecycle.ReceiveAsync(new ReceivedCredentials(LifecycleFixture.Key(), LifecycleFixture.Key(), LifecycleFixture.Key(), "https://shop.example.com/"));
            exchanged.Add(await f.ExchangeAsync(received.Connection!));
            f.Time.Advance(TimeSpan.FromSeconds(1));
        }

        await Task.WhenAll(exchanged.Select(e => Task.Run(() => f.VerifyAsync(e))));

        IReadOnlyList<StoreConnection> all = await f.Memory.FindByStoreBaseUrlAsync("https://shop.example.com/");
        StoreConnection newest = all.MaxBy(c => c.ReceivedAt)!;
        Assert.Equal([newest.Id], all.Where(c => c.Status == StoreStatus.Active).Select(c => c.Id));
        Assert.All(all.Where(c => c.Id != newest.Id), c => Assert.Equal((StoreStatus.Superseded, newest.Id), (c.Status, c.SupersededBy)));
        Assert.Equal(integrations - 1, f.Events.Count(e => e.Transition == ConnectionTransition.Superseded));
    }

    [Fact]
    public async Task An_older_activation_verifying_late_never_supersedes_a_newer_one()
    {
        var f = new LifecycleFixture();
        ReceiveResult older = await f.Lifecycle.ReceiveAsync(new ReceivedCredentials(LifecycleFixture.Key(), LifecycleFixture.Key(), LifecycleFixture.Key(), "https://shop.example.com/"));
        StoreConnection olderExchanged = await f.ExchangeAsync(older.Connection!);
        f.Time.Advance(TimeSpan.FromMinutes(1));
        StoreConnection newer = await f.ConnectAsync();

        StoreConnection late = await f.VerifyAsync(olderExchanged);

        Assert.Equal((StoreStatus.Superseded, newer.Id), (late.Status, late.SupersededBy));
        Assert.Equal(StoreStatus.Active, (await f.Memory.FindAsync(newer.Id))!.Status);
    }

    [Fact]
    public async Task A_reauthorized_old_integration_is_the_newest_activation_and_wins()
    {
        var f = new LifecycleFixture();
        StoreConnection first = await f.ConnectAsync();
        f.Time.Advance(TimeSpan.FromMinutes(1));
        StoreConnection second = await f.ConnectAsync();
        Assert.Equal(StoreStatus.Superseded, (await f.Memory.FindAsync(first.Id))!.Status);

        f.Time.Advance(TimeSpan.FromMinutes(1));
        ReceiveResult again = await f.Lifecycle.ReceiveAsync(new ReceivedCredentials(first.ConsumerKey, first.ConsumerSecret, LifecycleFixture.Key(), first.StoreBaseUrl));
        await f.VerifyAsync(await f.ExchangeAsync(again.Connection!));

        Assert.Equal(StoreStatus.Active, (await f.Memory.FindAsync(first.Id))!.Status);
        Assert.Equal((StoreStatus.Superseded, first.Id), ((await f.Memory.FindAsync(second.Id))!.Status, (await f.Memory.FindAsync(second.Id))!.SupersededBy));
    }

    [Fact]
    public async Task Connections_linked_to_different_accounts_never_supersede_each_other()
    {
        var f = new LifecycleFixture();
        StoreConnection a = await f.ConnectAsync();
        Assert.Equal(LinkResult.Linked, await f.Lifecycle.LinkAccountAsync(a.Id, "account-a"));
        f.Time.Advance(TimeSpan.FromMinutes(1));
        StoreConnection b = await f.ConnectAsync();
        Assert.Equal(LinkResult.Linked, await f.Lifecycle.LinkAccountAsync(b.Id, "account-b"));

        Assert.Equal(StoreStatus.Active, (await f.Memory.FindAsync(a.Id))!.Status);
        Assert.Equal(StoreStatus.Active, (await f.Memory.FindAsync(b.Id))!.Status);

        // A third for account a: only a's older connection is replaced.
        f.Time.Advance(TimeSpan.FromMinutes(1));
        StoreConnection c = await f.ConnectAsync();
        Assert.Equal(LinkResult.Linked, await f.Lifecycle.LinkAccountAsync(c.Id, "account-a"));
        Assert.Equal((StoreStatus.Superseded, c.Id), ((await f.Memory.FindAsync(a.Id))!.Status, (await f.Memory.FindAsync(a.Id))!.SupersededBy));
        Assert.Equal(StoreStatus.Active, (await f.Memory.FindAsync(b.Id))!.Status);
    }

    /// <summary>Holds the first two rounds of store-URL queries until <paramref name="parties"/> callers have made them (the worst interleaving).</summary>
    private sealed class GatedStore(InMemoryCredentialStore inner, int parties) : IConnectionStore
    {
        private readonly InMemoryCredentialStore _inner = inner;
        private readonly TaskCompletionSource[] _phases = [new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously)];
        private readonly int[] _arrived = new int[2];
        private int _calls;

        public async Task<IReadOnlyList<StoreConnection>> FindByStoreBaseUrlAsync(string storeBaseUrl, CancellationToken cancellationToken = default)
        {
            int call = Interlocked.Increment(ref _calls);
            int phase = (call - 1) / parties;
            if (phase >= _phases.Length)
            {
                return await _inner.FindByStoreBaseUrlAsync(storeBaseUrl, cancellationToken);
            }

            // Round one (before verifying) reads, then waits for all: nobody sees another's verification yet.
            // Round two (after storing the verification) waits for all, then reads: everybody sees every verification.
            // A round opens when every caller has arrived, counted after the early read: counting at the call itself
            // let a slow caller read after the others had verified, and see them.
            IReadOnlyList<StoreConnection>? early = phase == 0 ? await _inner.FindByStoreBaseUrlAsync(storeBaseUrl, cancellationToken) : null;
            if (Interlocked.Increment(ref _arrived[phase]) == parties)
            {
                _phases[phase].TrySetResult();
            }

            await _phases[phase].Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            return early ?? await _inner.FindByStoreBaseUrlAsync(storeBaseUrl, cancellationToken);
        }

        public Task<bool> InsertAsync(StoreConnection connection, CancellationToken cancellationToken = default) => _inner.InsertAsync(connection, cancellationToken);

        public Task<bool> UpdateAsync(StoreConnection connection, long expectedVersion, CancellationToken cancellationToken = default) => _inner.UpdateAsync(connection, expectedVersion, cancellationToken);

        public Task<StoreConnection?> FindAsync(Guid id, CancellationToken cancellationToken = default) => _inner.FindAsync(id, cancellationToken);

        public Task<StoreConnection?> FindByConsumerKeyAsync(string consumerKey, CancellationToken cancellationToken = default) => _inner.FindByConsumerKeyAsync(consumerKey, cancellationToken);

        public Task<IReadOnlyList<StoreConnection>> ListUnfinishedAsync(int limit, CancellationToken cancellationToken = default) => _inner.ListUnfinishedAsync(limit, cancellationToken);

        public Task<ConnectionPage> ListAsync(ConnectionQuery query, CancellationToken cancellationToken = default) => _inner.ListAsync(query, cancellationToken);

        public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default) => _inner.DeleteAsync(id, cancellationToken);
    }
}
