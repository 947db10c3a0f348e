using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using MagentoOAuth.AspNetCore.Clients;
using MagentoOAuth.AspNetCore.Endpoints.Callback;
using MagentoOAuth.Errors;
using MagentoOAuth.Exchange;
using MagentoOAuth.Signing;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.AspNetCore.Exchange;

/// <summary>
/// Runs each store's exchange: request token (only within the consumer expiry, Magento: I/Model/Oauth/Consumer.php),
/// access token (no time limit), then a signed <c>GET /V1/store/storeConfigs</c>. Each step is persisted before the next,
/// so after a crash the store resumes where it stopped; the request token is never asked for twice. Passing failures
/// (5xx, timeouts, refused connections) are retried with growing delays; Magento's refusals fail the store with the reason.
/// </summary>
internal sealed class ExchangeWorker(
    ExchangeQueue queue,
    ICredentialStore store,
    MagentoTokenClient tokenClient,
    IMagentoClientFactory clients,
    IOptions<MagentoIntegrationOptions> options,
    TimeProvider time,
    ILogger<ExchangeWorker> logger) : BackgroundService
{
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
            await ReadQueueAsync(tasks, slots, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the exchanges under way see the same token and end; wait for them below, so none outlives the host.
        }

        await Task.WhenAll(tasks);
        await scanning;
    }

    private async Task ReadQueueAsync(List<Task> tasks, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        await foreach (Guid id in queue.ReadAllAsync(stoppingToken))
        {
            if (!_running.TryAdd(id, 0))
            {
                continue;
            }

            await slots.WaitAsync(stoppingToken);
            tasks.RemoveAll(t => t.IsCompleted);
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    try
                    {
                        // RunAsync claims the store before each step and stops when another instance holds it.
                        await RunAsync(id, stoppingToken);
                    }
                    finally
                    {
                        // Releases only a claim this instance holds.
                        await store.ReleaseAsync(id, _options.InstanceId, CancellationToken.None);
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
            }, CancellationToken.None));
        }

    }

    /// <summary>
    /// Finds unfinished exchanges at start-up (resume after a crash) and then every <see cref="MagentoIntegrationOptions.ScanInterval"/>
    /// (take over from an instance that died: its claim lapses). Claims keep two instances off one store.
    /// </summary>
    private async Task ScanAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.ScanInterval, time);
        bool first = true;
        do
        {
            try
            {
                var unfinished = (await store.ListAsync(stoppingToken)).Where(s => s.Status is StoreStatus.Pending or StoreStatus.Exchanging).ToList();
                if (first && unfinished.Count > 0)
                {
                    Log.Resuming(logger, unfinished.Count);
                }

                unfinished.ForEach(s => queue.Enqueue(s.Id));
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

    /// <summary>
    /// Renews the claim every third of the lease until <paramref name="claim"/> is cancelled. Returns true, after
    /// cancelling <paramref name="claim"/>, if the claim was lost to another instance.
    /// </summary>
    private async Task<bool> HeartbeatAsync(Guid id, CancellationTokenSource claim)
    {
        try
        {
            while (!claim.IsCancellationRequested)
            {
                await Task.Delay(_options.ClaimLease / 3, time, claim.Token);
                if (!await ClaimAsync(id, claim.Token))
                {
                    await claim.CancelAsync();
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return false;
    }

    /// <summary>Claims (or renews the claim on) a store for this instance.</summary>
    private Task<bool> ClaimAsync(Guid id, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        return store.TryClaimAsync(id, _options.InstanceId, now, now + _options.ClaimLease, cancellationToken);
    }

    /// <summary>Drives one store to active or failed.</summary>
    internal async Task RunAsync(Guid id, CancellationToken cancellationToken)
    {
        int attempt = 0;
        while (true)
        {
            // Claim (or renew) before reading: what is read after the claim cannot be changed by another instance,
            // so no step ever runs on a stale copy. If another instance holds the store, stop here.
            if (!await ClaimAsync(id, cancellationToken))
            {
                return;
            }

            StoreConnection? current = await store.FindAsync(id, cancellationToken);
            if (current is null || current.Status is not (StoreStatus.Pending or StoreStatus.Exchanging))
            {
                return;
            }

            // While the step runs, a heartbeat keeps the claim; if it is lost (this instance stalled past the lease and
            // another took over), the step is abandoned rather than raced.
            using var claim = CancellationTokenSource.CreateLinkedTokenSource(_drain.Token);
            Task<bool> heartbeat = HeartbeatAsync(id, claim);
            bool claimLost = false;
            try
            {
                StoreConnection next;
                try
                {
                    next = await StepAsync(current, claim.Token);
                }
                finally
                {
                    await claim.CancelAsync();
                    claimLost = await heartbeat;
                }

                // If someone else changed the store meanwhile (a Reauthorize arrived), the save is refused and the next
                // turn of the loop reads it again.
                await SaveAsync(current, next, _drain.Token);
                attempt = 0;
            }
            catch (Exception) when (claimLost)
            {
                return;
            }
            catch (Exception e) when (IsPassing(e) && !cancellationToken.IsCancellationRequested)
            {
                attempt++;
                TimeSpan delay = Delay(attempt);
                bool requestWindowClosed = current.Step == ExchangeStep.Received && time.GetUtcNow() + delay >= current.ReceivedAt + _options.ConsumerExpiry;
                if (requestWindowClosed || (current.Step != ExchangeStep.Received && attempt >= _options.MaxAttempts))
                {
                    await FailAsync(current, requestWindowClosed
                        ? $"The store could not be reached before the consumer expired ({_options.ConsumerExpiry.TotalSeconds:0} s after the credentials arrived): {Describe(e)}. Click Reauthorize in the Magento admin to try again."
                        : $"The store kept failing at step {current.Step} after {attempt} attempts: {Describe(e)}.", cancellationToken);
                    return;
                }

                Log.ExchangeRetrying(logger, current.StoreBaseUrl, current.Step, Describe(e), attempt, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, time, cancellationToken);
            }
            catch (MagentoOAuthException e)
            {
                await FailAsync(current, Explain(current, e), cancellationToken);
                return;
            }
        }
    }

    private async Task<StoreConnection> StepAsync(StoreConnection s, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        var baseUrl = new Uri(s.StoreBaseUrl);
        switch (s.Step)
        {
            case ExchangeStep.Received:
                if (now >= s.ReceivedAt + _options.ConsumerExpiry)
                {
                    throw new MagentoOAuthException(MagentoProblem.ConsumerKeyExpired, null, null,
                        $"The exchange could not start within the consumer expiry ({_options.ConsumerExpiry.TotalSeconds:0} s) of the credential POST.",
                        "Click Reauthorize on the integration in the Magento admin.");
                }

                OAuthToken request = await tokenClient.GetRequestTokenAsync(baseUrl, new OAuthCredentials(s.ConsumerKey, s.ConsumerSecret), cancellationToken);
                return s with { Status = StoreStatus.Exchanging, Step = ExchangeStep.RequestToken, RequestToken = request.Token, RequestTokenSecret = request.Secret, StatusReason = "Request token received." };

            case ExchangeStep.RequestToken:
                OAuthToken access = await tokenClient.GetAccessTokenAsync(baseUrl,
                    new OAuthCredentials(s.ConsumerKey, s.ConsumerSecret, s.RequestToken!, s.RequestTokenSecret!), s.Verifier!, cancellationToken);
                return s with { Status = StoreStatus.Exchanging, Step = ExchangeStep.AccessToken, AccessToken = access.Token, AccessTokenSecret = access.Secret, RequestToken = null, RequestTokenSecret = null, Verifier = null, StatusReason = "Access token received; verifying." };

            default:
                return await VerifyAsync(s, cancellationToken);
        }
    }

    /// <summary>A signed <c>GET /V1/store/storeConfigs</c> proves the tokens work, and tells the store's name, locale and currency.</summary>
    private async Task<StoreConnection> VerifyAsync(StoreConnection s, CancellationToken cancellationToken)
    {
        using HttpClient client = clients.CreateClient(s);
        using HttpResponseMessage response = await client.GetAsync("V1/store/storeConfigs", cancellationToken);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            using JsonDocument document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            JsonElement configs = document.RootElement;
            JsonElement first = configs.ValueKind == JsonValueKind.Array && configs.GetArrayLength() > 0 ? configs[0] : default;
            string? Text(string name) => first.ValueKind == JsonValueKind.Object && first.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return s with { Status = StoreStatus.Active, Step = ExchangeStep.Verified, StatusReason = null, StoreName = Text("code"), Locale = Text("locale"), Currency = Text("base_currency_code") };
        }

        MagentoOAuthException error = await MagentoErrorParser.ToExceptionAsync(response, cancellationToken);
        if (error.Problem == MagentoProblem.NotAuthorized)
        {
            // The signature was accepted (the ACL check comes after it); the integration just may not read store settings.
            return s with { Status = StoreStatus.Active, Step = ExchangeStep.Verified, StatusReason = "Verified; the integration may not read store settings (Magento_Backend::store), so name, locale and currency are unknown." };
        }

        throw error;
    }

    private async Task<bool> SaveAsync(StoreConnection before, StoreConnection after, CancellationToken cancellationToken)
    {
        after = after with { UpdatedAt = time.GetUtcNow(), Attempts = before.Attempts + 1 };
        if (!await store.UpdateAsync(after, before.Version, cancellationToken))
        {
            return false;
        }

        Log.StoreStatusChanged(logger, after.StoreBaseUrl, after.Status, after.Step);
        if (after.Status == StoreStatus.Active)
        {
            await SupersedeOlderAsync(after, cancellationToken);
        }

        if (after.Status != before.Status || after.Status == StoreStatus.Active)
        {
            await _options.Events.OnStatusChanged(after);
        }

        return true;
    }

    /// <summary>
    /// A new integration for a store we already know replaces the old one only now, once its own tokens are verified:
    /// a forged callback naming a real store never reaches this point, so it can never displace working credentials.
    /// </summary>
    private async Task SupersedeOlderAsync(StoreConnection verified, CancellationToken cancellationToken)
    {
        foreach (StoreConnection older in await store.ListAsync(cancellationToken))
        {
            if (older.Id != verified.Id && older.StoreBaseUrl == verified.StoreBaseUrl && older.Status == StoreStatus.Active)
            {
                StoreConnection retired = older with
                {
                    Status = StoreStatus.Revoked,
                    StatusReason = $"Superseded by a newer integration (consumer key {SecretMask.Mask(verified.ConsumerKey)}, store {verified.Id}).",
                    UpdatedAt = time.GetUtcNow(),
                };
                if (await store.UpdateAsync(retired, older.Version, cancellationToken))
                {
                    await store.AddRotationAsync(new CredentialRotation(older.Id, older.ConsumerKey, older.AccessToken is null ? null : Fingerprint.Of(older.AccessToken), time.GetUtcNow(), "superseded"), cancellationToken);
                }
            }
        }
    }

    private async Task FailAsync(StoreConnection current, string reason, CancellationToken cancellationToken)
    {
        for (int tries = 0; tries < 5; tries++)
        {
            StoreConnection? latest = tries == 0 ? current : await store.FindAsync(current.Id, cancellationToken);

            // Only an unfinished store of the same activation is failed: one that another instance brought to active
            // (or a new activation) is left alone.
            if (latest is null || latest.ReceivedAt != current.ReceivedAt || latest.Status is not (StoreStatus.Pending or StoreStatus.Exchanging))
            {
                return;
            }

            StoreConnection failed = latest with { Status = StoreStatus.Failed, StatusReason = reason, UpdatedAt = time.GetUtcNow() };
            if (await store.UpdateAsync(failed, latest.Version, cancellationToken))
            {
                Log.StoreStatusChanged(logger, failed.StoreBaseUrl, failed.Status, failed.Step);
                await _options.Events.OnStatusChanged(failed);
                return;
            }
        }
    }

    private static string Explain(StoreConnection s, MagentoOAuthException e) => e.Problem switch
    {
        MagentoProblem.RequestTokenAlreadyIssued when s.Step == ExchangeStep.Received =>
            "Magento already issued this activation's request token, but it was not recorded (the process stopped at that moment). Click Reauthorize in the Magento admin.",
        MagentoProblem.TokenNotFound when s.Step == ExchangeStep.RequestToken =>
            "Magento already exchanged this activation's request token, but the access token was not recorded (the process stopped at that moment). Click Reauthorize in the Magento admin.",
        _ => $"{(e.MagentoMessage is null ? string.Empty : $"Magento said \"{e.MagentoMessage}\". ")}{e.Cause} {e.Fix}",
    };

    private static bool IsPassing(Exception e) => e switch
    {
        HttpRequestException => true,
        TaskCanceledException => true,
        MagentoOAuthException m => m.Status is >= 500 or 429 or 408 || m.Problem == MagentoProblem.NonceReused,
        _ => false,
    };

    private static string Describe(Exception e) => e switch
    {
        MagentoOAuthException m => $"HTTP {m.Status} {m.Problem}",
        TaskCanceledException => "timed out",
        HttpRequestException h => h.HttpRequestError.ToString(),
        _ => e.GetType().Name,
    };

    private TimeSpan Delay(int attempt)
    {
        double milliseconds = Math.Min(_options.MaxRetryDelay.TotalMilliseconds, _options.RetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(milliseconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }
}
