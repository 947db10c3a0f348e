using System.Diagnostics.Metrics;
using MagentoOAuth.Diagnostics;
using MagentoOAuth.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MagentoOAuth.AspNetCore.Telemetry;

/// <summary>
/// <c>magento_oauth.stores</c>: stored connections by status, from one grouped query (<see cref="IStoreStatusCounter"/>)
/// cached for <see cref="CacheFor"/>. A scrape never waits for the database: it reads the cache, and a stale cache is
/// refreshed in the background for the next one. Every instance reports the same whole-database counts.
/// </summary>
internal sealed class StoreCountsGauge : IHostedService, IDisposable
{
    public const string Name = "magento_oauth.stores";
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);

    private readonly IStoreStatusCounter? _counter;
    private readonly TimeProvider _time;
    private readonly Meter _meter = new(MagentoOAuthTelemetry.Name);
    private IReadOnlyDictionary<StoreStatus, long> _counts = new Dictionary<StoreStatus, long>();
    private DateTimeOffset _countedAt = DateTimeOffset.MinValue;
    private int _refreshing;

    public StoreCountsGauge(IServiceProvider services, TimeProvider time)
    {
        _counter = services.GetService<IStoreStatusCounter>();
        _time = time;
        if (_counter is not null)
        {
            _meter.CreateObservableGauge(Name, Observe, "{store}", "Stored store connections by status (counted at most every 15 s).");
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        RefreshIfStale();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> Observe()
    {
        RefreshIfStale();
        IReadOnlyDictionary<StoreStatus, long> counts = Volatile.Read(ref _counts);
        // Every status is reported, 0 included, so a status that empties drops to 0 instead of vanishing.
        foreach (StoreStatus status in Enum.GetValues<StoreStatus>())
        {
            yield return new Measurement<long>(counts.GetValueOrDefault(status), new KeyValuePair<string, object?>("status", status.ToString().ToLowerInvariant()));
        }
    }

    private void RefreshIfStale()
    {
        if (_counter is null || _time.GetUtcNow() - _countedAt < CacheFor || Interlocked.Exchange(ref _refreshing, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                Volatile.Write(ref _counts, await _counter.CountByStatusAsync().ConfigureAwait(false));
                _countedAt = _time.GetUtcNow();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A database that is down shows in /healthz; the gauge keeps its last counts and tries again next scrape.
            }
            finally
            {
                Volatile.Write(ref _refreshing, 0);
            }
        });
    }
}
