using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Channels;
using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.Operations.Webhooks;

/// <summary>
/// Posts the outbox's events to the webhook URL, at least once and in order per store: each round claims the due head
/// event of every store (with a lease, so instances sharing the database rarely both send one), posts them side by
/// side, and marks each delivered on a 2xx or reschedules it with a growing delay. It wakes at once when this process
/// records an event and polls for those of other instances.
/// </summary>
internal sealed partial class WebhookDispatcher : BackgroundService
{
    public const string HttpClientName = "MagentoOAuth.Webhooks";

    // One round posts at most this many events (each of another store) at once.
    private const int BatchSize = 32;
    private const int PruneBatch = 1000;
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    private readonly IEventOutbox _outbox;
    private readonly ConnectionLifecycle _lifecycle;
    private readonly IHttpClientFactory _http;
    private readonly WebhookOptions _options;
    private readonly byte[] _secret;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _owner = Environment.MachineName + "/" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "/" + Guid.NewGuid().ToString("N")[..8];
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private DateTimeOffset _nextPrune;

    public WebhookDispatcher(IConnectionStore connections, ConnectionLifecycle lifecycle, IHttpClientFactory http, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookDispatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _outbox = connections as IEventOutbox
            ?? throw new InvalidOperationException($"Webhooks need a storage backend with an outbox (SQLite, PostgreSQL or in memory); {connections?.GetType().Name} has none.");
        _lifecycle = lifecycle;
        _http = http;
        _options = options.Value;
        // Validated at start (WebhookOptionsValidator); never kept anywhere else.
        _secret = Encoding.UTF8.GetBytes(_options.Secret ?? string.Empty);
        _time = time;
        _logger = logger;
    }

    /// <summary>How long a claimed event stays this dispatcher's: one delivery, with room to record its outcome.</summary>
    private TimeSpan Lease => (_options.RequestTimeout * 2) + TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _lifecycle.EventRecorded += Wake;
        try
        {
            Log.DispatcherStarted(_logger, _options.Url!.GetLeftPart(UriPartial.Path));
            while (!stoppingToken.IsCancellationRequested)
            {
                DateTimeOffset? nextRetry = null;
                try
                {
                    (int claimed, nextRetry) = await RoundAsync(stoppingToken).ConfigureAwait(false);
                    if (claimed > 0)
                    {
                        // Delivering a store's event may have made its next one due: go on at once.
                        continue;
                    }

                    await PruneAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // The database may be away for a moment; the outbox keeps every event meanwhile.
                    Log.RoundFailed(_logger, e);
                }

                TimeSpan wait = _options.PollInterval;
                if (nextRetry is { } at && at - _time.GetUtcNow() < wait)
                {
                    wait = at - _time.GetUtcNow();
                }

                await SleepAsync(wait, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            _lifecycle.EventRecorded -= Wake;
        }
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task SleepAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        if (wait > TimeSpan.Zero)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(wait);
            try
            {
                await _wake.Reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The wait ran out: poll.
            }
        }

        while (_wake.Reader.TryRead(out _))
        {
        }
    }

    /// <summary>One round: claims the due heads and posts them; returns how many, and the earliest retry it scheduled.</summary>
    private async Task<(int Claimed, DateTimeOffset? NextRetry)> RoundAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        IReadOnlyList<OutboxEvent> due = await _outbox.ClaimDueEventsAsync(_owner, now, now + Lease, BatchSize, stoppingToken).ConfigureAwait(false);
        if (due.Count == 0)
        {
            return (0, null);
        }

        DateTimeOffset?[] retries = await Task.WhenAll(due.Select(e => DeliverAsync(e, stoppingToken))).ConfigureAwait(false);
        return (due.Count, retries.Where(r => r is not null).Min());
    }

    /// <summary>Posts one event; returns when it is to be tried again, or null when it was delivered.</summary>
    private async Task<DateTimeOffset?> DeliverAsync(OutboxEvent outboxEvent, CancellationToken stoppingToken)
    {
        string? failure;
        try
        {
            failure = await PostAsync(outboxEvent, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-delivery: hand the event back at once rather than at the end of the lease. The receiver
            // may have had it already: it de-duplicates by event id.
            await _outbox.RetryEventLaterAsync(outboxEvent.Sequence, _owner, _time.GetUtcNow(), "interrupted by a shutdown", CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        if (failure is null)
        {
            await _outbox.MarkEventDeliveredAsync(outboxEvent.Sequence, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            Log.Delivered(_logger, outboxEvent.EventId, outboxEvent.StoreId, outboxEvent.Attempts);
            return null;
        }

        TimeSpan delay = WebhookBackoff.Delay(_options, outboxEvent.Attempts, Random.Shared.NextDouble());
        DateTimeOffset next = _time.GetUtcNow() + delay;
        await _outbox.RetryEventLaterAsync(outboxEvent.Sequence, _owner, next, failure, CancellationToken.None).ConfigureAwait(false);
        Log.DeliveryFailed(_logger, outboxEvent.EventId, outboxEvent.StoreId, outboxEvent.Attempts, failure, delay.TotalSeconds);
        return next;
    }

    /// <summary>The POST itself: null on a 2xx, else what went wrong (a status or an error kind; never the URL or the secret).</summary>
    private async Task<string?> PostAsync(OutboxEvent outboxEvent, CancellationToken stoppingToken)
    {
        byte[] body = Encoding.UTF8.GetBytes(outboxEvent.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Of(_secret, body));
        request.Headers.TryAddWithoutValidation(WebhookSignature.EventIdHeader, outboxEvent.EventId.ToString());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            HttpClient client = _http.CreateClient(HttpClientName);
            using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            return status is >= 200 and <= 299 ? null : "HTTP " + status.ToString(CultureInfo.InvariantCulture);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return $"no answer within {_options.RequestTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
        }
        catch (HttpRequestException e)
        {
            return "request failed: " + e.HttpRequestError;
        }
    }

    private async Task PruneAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        if (now < _nextPrune)
        {
            return;
        }

        _nextPrune = now + PruneEvery;
        int deleted, total = 0;
        do
        {
            deleted = await _outbox.DeleteDeliveredEventsAsync(now - _options.DeliveredRetention, PruneBatch, stoppingToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted == PruneBatch);

        if (total > 0)
        {
            Log.Pruned(_logger, total, _options.DeliveredRetention.TotalDays);
        }
    }
}
