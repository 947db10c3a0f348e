using MagentoOAuth.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.AspNetCore.Tests;

public sealed class ScanTests
{
    [Fact]
    public async Task The_exchange_worker_reads_only_unfinished_rows_however_large_the_fleet()
    {
        var counting = new CountingStore();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        for (int i = 0; i < 2000; i++)
        {
            await counting.Inner.InsertAsync(Row(i, StoreStatus.Active, now.AddDays(-30)));
        }

        // Three unfinished activations whose consumer expired long ago: the worker fails them without a network call.
        var unfinished = Enumerable.Range(0, 3).Select(i => Row(5000 + i, StoreStatus.Pending, now.AddHours(-1))).ToList();
        foreach (StoreConnection u in unfinished)
        {
            await counting.Inner.InsertAsync(u);
        }

        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddMagentoStorage(_ => counting);
        builder.Services.AddMagentoIntegration(o => o.ScanInterval = TimeSpan.FromMilliseconds(50));
        using IHost host = builder.Build();
        await host.StartAsync();
        try
        {
            for (int i = 0; i < 400 && !(await Task.WhenAll(unfinished.Select(u => counting.Inner.FindAsync(u.Id)))).All(c => c!.Status == StoreStatus.Failed); i++)
            {
                await Task.Delay(25);
            }

            // A few more scans over a finished fleet (bounded: under a loaded test run the timer may tick late).
            int before = counting.UnfinishedScans;
            for (int i = 0; i < 200 && counting.UnfinishedScans < before + 3; i++)
            {
                await Task.Delay(25);
            }
        }
        finally
        {
            await host.StopAsync();
        }

        Assert.All(unfinished, u => Assert.Equal(StoreStatus.Failed, counting.Inner.FindAsync(u.Id).Result!.Status));
        Assert.True(counting.UnfinishedScans >= 2, $"scans: {counting.UnfinishedScans}");
        Assert.Equal(0, counting.Listings);
        Assert.Equal(0, counting.UrlLookups);
        // Each unfinished row is read by the scan and the worker a few times; the 2,000 others never.
        Assert.True(counting.RowsRead < 200, $"rows read: {counting.RowsRead}");
    }

    private static StoreConnection Row(int i, StoreStatus status, DateTimeOffset received) => new()
    {
        Id = Guid.NewGuid(),
        StoreBaseUrl = $"https://shop{i}.example.com/",
        ConsumerKey = Guid.NewGuid().ToString("N"),
        ConsumerSecret = Guid.NewGuid().ToString("N"),
        Verifier = Guid.NewGuid().ToString("N"),
        AccessToken = status == StoreStatus.Active ? Guid.NewGuid().ToString("N") : null,
        AccessTokenSecret = status == StoreStatus.Active ? Guid.NewGuid().ToString("N") : null,
        Status = status,
        Step = status == StoreStatus.Active ? ExchangeStep.Verified : ExchangeStep.Received,
        ReceivedAt = received,
        UpdatedAt = received,
    };

    /// <summary>A store that counts what it is asked for and how many rows it hands out.</summary>
    private sealed class CountingStore : ICredentialStore
    {
        private int _rows;
        private int _unfinishedScans;
        private int _listings;
        private int _urlLookups;

        public InMemoryCredentialStore Inner { get; } = new();

        public int RowsRead => _rows;

        public int UnfinishedScans => _unfinishedScans;

        public int Listings => _listings;

        public int UrlLookups => _urlLookups;

        private T Count<T>(T result, int rows)
        {
            Interlocked.Add(ref _rows, rows);
            return result;
        }

        public async Task<StoreConnection?> FindAsync(Guid id, CancellationToken cancellationToken = default)
        {
            StoreConnection? found = await Inner.FindAsync(id, cancellationToken);
            return Count(found, found is null ? 0 : 1);
        }

        public async Task<StoreConnection?> FindByConsumerKeyAsync(string consumerKey, CancellationToken cancellationToken = default)
        {
            StoreConnection? found = await Inner.FindByConsumerKeyAsync(consumerKey, cancellationToken);
            return Count(found, found is null ? 0 : 1);
        }

        public async Task<IReadOnlyList<StoreConnection>> FindByStoreBaseUrlAsync(string storeBaseUrl, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _urlLookups);
            IReadOnlyList<StoreConnection> found = await Inner.FindByStoreBaseUrlAsync(storeBaseUrl, cancellationToken);
            return Count(found, found.Count);
        }

        public async Task<IReadOnlyList<StoreConnection>> ListUnfinishedAsync(int limit, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _unfinishedScans);
            IReadOnlyList<StoreConnection> found = await Inner.ListUnfinishedAsync(limit, cancellationToken);
            return Count(found, found.Count);
        }

        public async Task<ConnectionPage> ListAsync(ConnectionQuery query, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _listings);
            ConnectionPage page = await Inner.ListAsync(query, cancellationToken);
            return Count(page, page.Items.Count);
        }

        public Task<bool> InsertAsync(StoreConnection connection, CancellationToken cancellationToken = default) => Inner.InsertAsync(connection, cancellationToken);

        public Task<bool> UpdateAsync(StoreConnection connection, long expectedVersion, CancellationToken cancellationToken = default) => Inner.UpdateAsync(connection, expectedVersion, cancellationToken);

        public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default) => Inner.DeleteAsync(id, cancellationToken);

        public Task<int> DeleteFailedAsync(DateTimeOffset updatedBefore, int limit, CancellationToken cancellationToken = default) => Inner.DeleteFailedAsync(updatedBefore, limit, cancellationToken);

        public Task<bool> TryClaimAsync(Guid id, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default) => Inner.TryClaimAsync(id, owner, now, until, cancellationToken);

        public Task ReleaseAsync(Guid id, string owner, CancellationToken cancellationToken = default) => Inner.ReleaseAsync(id, owner, cancellationToken);

        public Task AddAsync(HistoryEntry entry, CancellationToken cancellationToken = default) => Inner.AddAsync(entry, cancellationToken);

        public Task<IReadOnlyList<HistoryEntry>> ListAsync(Guid connectionId, int limit = 100, CancellationToken cancellationToken = default) => Inner.ListAsync(connectionId, limit, cancellationToken);
    }
}
