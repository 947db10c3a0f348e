using System.Collections.Concurrent;
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
    private readonly ConcurrentDictionary<Guid, byte> _running = new();

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
            await foreach (Guid id in queue.ReadAllAsync(stoppingToken))
            {
                if (!_running.TryAdd(id, 0))
                {
                    continue;
                }

                await slots.WaitAsync(stoppingToken);
                tasks.RemoveAll(t => t.IsCompleted);
                tasks.Add(Task.Run(() => RunOneAsync(id, slots, stoppingToken), CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the exchanges under way see the same token and end; wait for them below, so none outlives the host.
        }

        await Task.WhenAll(tasks);
        await scanning;
    }

    private async Task RunOneAsync(Guid id, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        try
        {
            try
            {
                await RunAsync(id, stoppingToken);
            }
            finally
            {
                // Releases only a claim this instance holds.
                await lease.ReleaseAsync(id);
            }
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
            _running.TryRemove(id, out _);
            slots.Release();
        }
    }

    /// <summary>
    /// Finds unfinished exchanges at start-up (resume after a crash) and then every <see cref="MagentoIntegrationOptions.ScanInterval"/>
    /// (take over from an instance that died: its claim lapses).
    /// </summary>
    private async Task ScanAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.ScanInterval, time);
        bool first = true;
        do
        {
            try
            {
                IReadOnlyList<StoreConnection> unfinished = await connections.ListUnfinishedAsync(ScanBatch, stoppingToken);
                if (first && unfinished.Count > 0)
                {
                    Log.Resuming(logger, unfinished.Count);
                }

                foreach (StoreConnection s in unfinished.Where(s => !_running.ContainsKey(s.Id)))
                {
                    queue.Enqueue(s.Id);
                }

                first = false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.ExchangeCrashed(logger, "scan", e);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

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

    /// <summary>Drives one store to active, superseded or failed.</summary>
    internal async Task RunAsync(Guid id, CancellationToken cancellationToken)
    {
        int attempt = 0;
        while (true)
        {
            // Claim (or renew) before reading: what is read after the claim cannot be changed by another instance's
            // exchange, so no step ever runs on a stale copy. If another instance holds the store, stop here.
            if (!await lease.ClaimAsync(id, cancellationToken))
            {
                return;
            }

            StoreConnection? current = await connections.FindAsync(id, cancellationToken);
            if (current is null || current.Unreadable || current.Status is not (StoreStatus.Pending or StoreStatus.Exchanging))
            {
                return;
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

                attempt = 0;
            }
            catch (Exception) when (claimLost)
            {
                return;
            }
            catch (Exception e) when (ExchangeRetryPolicy.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                attempt++;
                (TimeSpan delay, string? giveUp) = retry.Decide(current, attempt, time.GetUtcNow(), e);
                if (giveUp is not null)
                {
                    await lifecycle.FailAsync(current, giveUp, cancellationToken);
                    return;
                }

                Log.ExchangeRetrying(logger, current.StoreBaseUrl, current.Step, ExchangeRetryPolicy.Describe(e), attempt, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, time, cancellationToken);
            }
            catch (MagentoOAuthException e)
            {
                await lifecycle.FailAsync(current, ExchangeSteps.Explain(current, e), cancellationToken);
                return;
            }
            catch (HttpRequestException e) when (StoreAddressRefusedException.Find(e) is { } refused)
            {
                await lifecycle.FailAsync(current, refused.Message, cancellationToken);
                return;
            }
        }
    }
}
