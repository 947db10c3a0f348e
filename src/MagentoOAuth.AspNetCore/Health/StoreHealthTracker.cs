using System.Collections.Concurrent;
using MagentoOAuth.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.AspNetCore.Health;

/// <summary>
/// Stores' health in memory: what every signed call and circuit change of this process said since the last batch
/// write. <see cref="FlushAsync"/> (every <see cref="MagentoIntegrationOptions.HealthWriteInterval"/>, at shutdown and
/// on disposal) adds it to the database in one batch and starts over, so a busy store costs no write per call and
/// instances sharing a database each add their own counts. Without a health store, it keeps the last day in memory.
/// </summary>
internal sealed class StoreHealthTracker : IStoreCallRecorder, IStoreHealthMonitor, IAsyncDisposable
{
    // A flush at disposal (a CLI command ending, a host without the writer) waits at most this long for the database.
    private static readonly TimeSpan DisposeFlushTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<Guid, Pending> _pending = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly IStoreHealthStore? _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _disposed;

    public StoreHealthTracker(IServiceProvider services, TimeProvider time, ILogger<StoreHealthTracker> logger)
    {
        // Resolved now, so the store is created before (and so disposed after) this tracker, which flushes on disposal.
        _store = services.GetService<IStoreHealthStore>();
        _time = time;
        _logger = logger;
    }

    /// <summary>True when the counts are written somewhere (and so forgotten here once written).</summary>
    public bool Persistent => _store is not null;

    public void RecordCall(Guid connectionId, int? status, string? failure)
    {
        DateTimeOffset now = _time.GetUtcNow();
        Update(connectionId, p => p.Call(now, status, failure, keepDay: _store is null));
    }

    public void RecordAvailability(Guid connectionId, StoreAvailability availability)
    {
        DateTimeOffset now = _time.GetUtcNow();
        Update(connectionId, p => p.Availability(now, availability));
    }

    private void Update(Guid connectionId, Action<Pending> change)
    {
        // A flush takes a record out of the map and seals it; a call that found a sealed one starts a new record.
        while (true)
        {
            Pending pending = _pending.GetOrAdd(connectionId, static _ => new Pending());
            lock (pending)
            {
                if (!pending.Sealed)
                {
                    change(pending);
                    return;
                }
            }
        }
    }

    public async Task<IReadOnlyDictionary<Guid, StoreHealth>> GetAsync(IReadOnlyCollection<Guid> connectionIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionIds);
        IReadOnlyDictionary<Guid, StoreHealth> stored = _store is null
            ? new Dictionary<Guid, StoreHealth>()
            : await _store.FindHealthAsync(connectionIds, cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<Guid, StoreHealth>(stored);
        foreach (Guid id in connectionIds)
        {
            if (_pending.TryGetValue(id, out Pending? pending))
            {
                StoreHealth counted;
                lock (pending)
                {
                    counted = pending.ToHealth(id);
                }

                result[id] = StoreHealth.Combine(stored.GetValueOrDefault(id) ?? new StoreHealth { ConnectionId = id }, counted);
            }
        }

        return result;
    }

    /// <summary>Writes what was counted since the last write, in one batch; on failure keeps it for the next. Returns how many stores were written.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            return 0;
        }

        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var batch = new List<StoreHealth>();
            foreach (Guid id in _pending.Keys)
            {
                if (_pending.TryRemove(id, out Pending? pending))
                {
                    lock (pending)
                    {
                        pending.Sealed = true;
                        batch.Add(pending.ToHealth(id));
                    }
                }
            }

            if (batch.Count == 0)
            {
                return 0;
            }

            try
            {
                await _store.SaveHealthAsync(batch, cancellationToken).ConfigureAwait(false);
                Log.HealthWritten(_logger, batch.Count);
                return batch.Count;
            }
            catch (Exception e)
            {
                // Nothing was committed (one transaction): the counts go back, to be added with the next batch.
                foreach (StoreHealth unwritten in batch)
                {
                    Update(unwritten.ConnectionId, p => p.Absorb(unwritten));
                }

                if (e is OperationCanceledException)
                {
                    throw;
                }

                Log.HealthWriteFailed(_logger, batch.Count, e);
                return 0;
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered for three services, so the container disposes it up to three times: the first one flushes.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(DisposeFlushTimeout);
        try
        {
            await FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.HealthWriteFailed(_logger, _pending.Count, new TimeoutException($"The database did not take the batch within {DisposeFlushTimeout.TotalSeconds} s."));
        }

        _flushing.Dispose();
    }

    /// <summary>One store's counts since the last write (guarded by its own lock).</summary>
    private sealed class Pending
    {
        private readonly SortedDictionary<DateTimeOffset, (int Calls, int Failures)> _slots = [];
        private DateTimeOffset? _lastSuccessAt;
        private DateTimeOffset? _lastFailureAt;
        private string? _lastFailure;
        private int? _lastFailureStatus;
        private StoreAvailability _availability;
        private DateTimeOffset _updatedAt;

        public bool Sealed { get; set; }

        public void Call(DateTimeOffset now, int? status, string? failure, bool keepDay)
        {
            DateTimeOffset slot = StoreHealth.SlotOf(now);
            if (!_slots.TryGetValue(slot, out var counts) && keepDay)
            {
                // Kept in memory only: a new slot is the moment to forget those older than a day.
                foreach (DateTimeOffset old in _slots.Keys.Where(s => s + StoreHealth.BucketLength <= now - StoreHealth.Retention).ToList())
                {
                    _slots.Remove(old);
                }
            }

            _slots[slot] = (counts.Calls + 1, counts.Failures + (failure is null ? 0 : 1));
            if (failure is null)
            {
                _lastSuccessAt = now;
            }
            else
            {
                (_lastFailureAt, _lastFailure, _lastFailureStatus) = (now, failure, status);
            }

            _updatedAt = now;
        }

        public void Availability(DateTimeOffset now, StoreAvailability availability)
        {
            _availability = availability;
            _updatedAt = now;
        }

        /// <summary>Takes back a record that could not be written (its counts, and whatever is newer of the rest).</summary>
        public void Absorb(StoreHealth h)
        {
            foreach (HealthBucket b in h.Buckets)
            {
                var counts = _slots.GetValueOrDefault(b.Start);
                _slots[b.Start] = (counts.Calls + b.Calls, counts.Failures + b.Failures);
            }

            if (h.LastSuccessAt > (_lastSuccessAt ?? DateTimeOffset.MinValue))
            {
                _lastSuccessAt = h.LastSuccessAt;
            }

            if (h.LastFailureAt > (_lastFailureAt ?? DateTimeOffset.MinValue))
            {
                (_lastFailureAt, _lastFailure, _lastFailureStatus) = (h.LastFailureAt, h.LastFailure, h.LastFailureStatus);
            }

            if (h.UpdatedAt > _updatedAt || _availability == StoreAvailability.Unknown)
            {
                _availability = h.Availability == StoreAvailability.Unknown ? _availability : h.Availability;
            }

            _updatedAt = h.UpdatedAt > _updatedAt ? h.UpdatedAt : _updatedAt;
        }

        public StoreHealth ToHealth(Guid id) => new()
        {
            ConnectionId = id,
            LastSuccessAt = _lastSuccessAt,
            LastFailureAt = _lastFailureAt,
            LastFailure = _lastFailure,
            LastFailureStatus = _lastFailureStatus,
            Availability = _availability,
            Buckets = [.. _slots.Select(s => new HealthBucket(s.Key, s.Value.Calls, s.Value.Failures))],
            UpdatedAt = _updatedAt,
        };
    }
}
