using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.AspNetCore.Network;
using MagentoOAuth.Errors;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.AspNetCore.Exchange;

/// <summary>
/// Drives unfinished connections through their exchange: the queue, the scan for unfinished rows (an indexed query,
/// never the whole table), and the concurrency. Each step is persisted through <see cref="ConnectionLifecycle"/> before
/// the next, so after a crash the store resumes where it stopped and the request token is never asked for twice.
/// Leases (<see cref="ExchangeLease"/>) keep two instances off one store; <see cref="ExchangeRetryPolicy"/> decides retries.
/// </summary>
internal sealed class ExchangeWorker(
    ExchangeQueue queue,
    IConnectionStore connections,
    ExchangeLease lease,
    ExchangeSteps steps,
    ExchangeRetryPolicy retry,
    ConnectionLifecycle lifecycle,
    IOptions<MagentoIntegrationOptions> options,
    TimeProvider time,
    ILogger<ExchangeWorker> logger) : BackgroundService
{
    /// <summary>How many unfinished rows one scan reads at most; the next scan reads the next ones as these finish.</summary>
    internal const int ScanBatch = 1000;

    private readonly MagentoIntegrationOptions _options = options.Value;

    // Exchanges of the other lane (callbacks not from the store's address, and scanned rows) may hold at most this many
    // slots; the rest are kept for callbacks from stores (see ExchangeQueue), so a burst of forgeries at stores that
    // never answer cannot hold every slot for the request timeout.
    private int _otherRunning;

    // Ticks of the last scan (read by the health check from another thread).
    private long _lastScanTicks;

    /// <summary>When the worker last scanned for unfinished exchanges; null before its first scan.</summary>
    internal DateTimeOffset? LastScan
    {
        get
        {
            long ticks = Interlocked.Read(ref _lastScanTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    internal int OtherLaneLimit => Math.Max(1, _options.MaxConcurrentExchanges - Math.Max(1, _options.MaxConcurrentExchanges / 4));

    // In-flight steps are not cancelled when the host stops: a step Magento has answered but we have not recorded costs
    // the merchant a Reauthorize. They get this long to finish; new steps stop at once.
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(15);
    private readonly CancellationTokenSource _drain = new();

    /// <inheritdoc />
    public override void Dispose()
    {
        _drain.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using CancellationTokenRegistration draining = stoppingToken.Register(() => _drain.CancelAfter(DrainGrace));
        using var slots = new SemaphoreSlim(_options.MaxConcurrentExchanges);
        Task scanning = ScanAsync(stoppingToken);
        var tasks = new List<Task>();
        try
        {
            while (true)
            {
                // A slot first, then the store: what runs is chosen when it can start, so a callback that arrived
                // meanwhile goes before older retries.
                await slots.WaitAsync(stoppingToken);
                (Guid id, int failures, ExchangeQueue.Lane lane) = await TakeAsync(slots, stoppingToken);
                if (lane == ExchangeQueue.Lane.Other)
                {
                    Interlocked.Increment(ref _otherRunning);
                }

                tasks.RemoveAll(t => t.IsCompleted);
                tasks.Add(Task.Run(() => RunOneAsync(id, failures, lane, slots, stoppingToken), CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the exchanges under way see the same token and end; wait for them below, so none outlives the host.
        }

        await Task.WhenAll(tasks);
        await scanning;
    }

    private async Task<(Guid Id, int Failures, ExchangeQueue.Lane Lane)> TakeAsync(SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        try
        {
            return await queue.TakeAsync(() => Volatile.Read(ref _otherRunning) < OtherLaneLimit, stoppingToken);
        }
        catch
        {
            slots.Release();
            throw;
        }
    }

    private async Task RunOneAsync(Guid id, int failures, ExchangeQueue.Lane lane, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        RunResult result = RunResult.Finished;
        try
        {
            result = await RunAsync(id, failures, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Log.ExchangeCrashed(logger, id.ToString(), e);
        }
        finally
        {
            try
            {
                switch (result.End)
                {
                    case RunEnd.Retry:
                        // The claim is kept while the retry waits (it lasts longer than the longest delay), so no other
                        // instance starts the store over meanwhile; the wait holds no slot.
                        queue.Retry(id, time.GetUtcNow() + result.Delay, result.Failures);
                        break;
                    case RunEnd.HeldElsewhere:
                        // Looked at again a scan later: if the other instance died, its claim has lapsed by then.
                        queue.Retry(id, time.GetUtcNow() + _options.ScanInterval, failures);
                        break;
                    default:
                        queue.Remove(id);
                        await lease.ReleaseAsync(id); // releases only a claim this instance holds
                        break;
                }
            }
            catch (Exception e)
            {
                Log.ExchangeCrashed(logger, id.ToString(), e);
            }
            finally
            {
                if (lane == ExchangeQueue.Lane.Other)
                {
                    Interlocked.Decrement(ref _otherRunning);
                    queue.Wake(); // a taker waiting with only the store lane open may take from the other lane again
                }

                slots.Release();
            }
        }
    }

    /// <summary>
    /// Finds unfinished exchanges at start-up (resume after a crash) and then every <see cref="MagentoIntegrationOptions.ScanInterval"/>
    /// (take over from an instance that died: its claim lapses). The queue holds each store once, so a scan adds only
    /// the ones it does not hold yet. Failed activations older than <see cref="MagentoIntegrationOptions.RetainFailed"/>
    /// that never got a token are removed, a batch per scan.
    /// </summary>
    private async Task ScanAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.ScanInterval, time);
        bool first = true;
        DateTimeOffset nextCleanup = time.GetUtcNow();
        do
        {
            try
            {
                IReadOnlyList<StoreConnection> unfinished = await connections.ListUnfinishedAsync(ScanBatch, stoppingToken);
                if (first && unfinished.Count > 0)
                {
                    Log.Resuming(logger, unfinished.Count);
                }

                foreach (StoreConnection s in unfinished)
                {
                    queue.Add(s.Id, ExchangeQueue.HostOf(s.StoreBaseUrl));
                }

                first = false;
                if (_options.RetainFailed != Timeout.InfiniteTimeSpan && time.GetUtcNow() >= nextCleanup)
                {
                    int removed = await connections.DeleteFailedAsync(time.GetUtcNow() - _options.RetainFailed, ScanBatch, stoppingToken);
                    if (removed > 0)
                    {
                        Log.FailedRemoved(logger, removed, _options.RetainFailed.TotalDays);
                    }

                    // A full batch means there are more: go on at the next scan, else look again in an hour.
                    nextCleanup = removed == ScanBatch ? time.GetUtcNow() : time.GetUtcNow() + CleanupInterval;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.ExchangeCrashed(logger, "scan", e);
            }

            Interlocked.Exchange(ref _lastScanTicks, time.GetUtcNow().UtcTicks);
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static readonly TimeSpan CleanupInterval = TimeSpan.FromHours(1);

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Drives one store as far as it goes now: to active, superseded or failed (finished), or to a passing failure
    /// (retry after a delay, <paramref name="failures"/> in a row so far), or not at all when another instance holds it.
    /// </summary>
    internal async Task<RunResult> RunAsync(Guid id, int failures, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Claim (or renew) before reading: what is read after the claim cannot be changed by another instance's
            // exchange, so no step ever runs on a stale copy. If another instance holds the store, stop here.
            if (!await lease.ClaimAsync(id, cancellationToken))
            {
                return RunResult.HeldElsewhere;
            }

            StoreConnection? current = await connections.FindAsync(id, cancellationToken);
            if (current is null || current.Unreadable || current.Status is not (StoreStatus.Pending or StoreStatus.Exchanging))
            {
                return RunResult.Finished;
            }

            using var hold = CancellationTokenSource.CreateLinkedTokenSource(_drain.Token);
            Task<bool> heartbeat = lease.HoldAsync(id, hold);
            bool claimLost = false;
            try
            {
                ExchangeSteps.Outcome outcome;
                try
                {
                    outcome = await steps.RunAsync(current, hold.Token);
                }
                finally
                {
                    await hold.CancelAsync();
                    claimLost = await heartbeat;
                }

                // If another change arrived meanwhile (a Reauthorize), nothing is stored and the next turn reads it again.
                StoreConnection? saved = outcome.Verified
                    ? await lifecycle.ActivateAsync(current, c => outcome.Apply(c) with { Attempts = c.Attempts + 1 }, _drain.Token)
                    : await lifecycle.AdvanceAsync(current, c => outcome.Apply(c) with { Attempts = c.Attempts + 1 }, _drain.Token);
                if (saved is not null)
                {
                    Log.StepStored(logger, saved.StoreBaseUrl, saved.Id, saved.Step);
                }

                failures = 0;
            }
            catch (Exception) when (claimLost)
            {
                return RunResult.HeldElsewhere;
            }
            catch (Exception e) when (ExchangeRetryPolicy.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                failures++;
                (TimeSpan delay, string? giveUp) = retry.Decide(current, failures, time.GetUtcNow(), e);
                if (giveUp is not null)
                {
                    await lifecycle.FailAsync(current, giveUp, cancellationToken);
                    return RunResult.Finished;
                }

                Log.ExchangeRetrying(logger, current.StoreBaseUrl, current.Step, ExchangeRetryPolicy.Describe(e), failures, (long)delay.TotalMilliseconds);
                return new RunResult(RunEnd.Retry, delay, failures);
            }
            catch (MagentoOAuthException e)
            {
                await lifecycle.FailAsync(current, ExchangeSteps.Explain(current, e), cancellationToken);
                return RunResult.Finished;
            }
            catch (HttpRequestException e) when (StoreAddressRefusedException.Find(e) is { } refused)
            {
                await lifecycle.FailAsync(current, refused.Message, cancellationToken);
                return RunResult.Finished;
            }
        }
    }

    internal enum RunEnd
    {
        Finished,
        Retry,
        HeldElsewhere,
    }

    /// <summary>How a turn of <see cref="RunAsync"/> ended.</summary>
    internal readonly record struct RunResult(RunEnd End, TimeSpan Delay = default, int Failures = 0)
    {
        public static RunResult Finished => new(RunEnd.Finished);

        public static RunResult HeldElsewhere => new(RunEnd.HeldElsewhere);
    }
}
