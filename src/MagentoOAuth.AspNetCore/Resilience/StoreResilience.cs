using System.Collections.Concurrent;
using System.Net;
using System.Threading.RateLimiting;
using MagentoOAuth.AspNetCore.Health;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using Polly.Timeout;

namespace MagentoOAuth.AspNetCore.Resilience;

/// <summary>
/// One resilience pipeline per store (keyed by connection id), shared by the signing proxy and the per-store clients,
/// so both count against the same concurrency limit and trip the same circuit. Outermost first: the concurrency limit,
/// retries (idempotent requests without a body only), the circuit, a timeout per attempt. It sits above the signing
/// handler, so every attempt is signed with a fresh nonce and timestamp.
/// </summary>
internal sealed class StoreResilience : IDisposable
{
    private static readonly HttpMethod[] Idempotent = [HttpMethod.Get, HttpMethod.Head, HttpMethod.Options, HttpMethod.Delete];

    private readonly ResiliencePipelineRegistry<Guid> _pipelines = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _openUntil = new();
    private readonly IStoreCallRecorder _recorder;
    private readonly TimeProvider _time;
    private readonly StoreResilienceOptions _options;
    private readonly TimeSpan _attemptTimeout;

    public StoreResilience(IOptions<MagentoIntegrationOptions> options, IStoreCallRecorder recorder, TimeProvider time)
    {
        _recorder = recorder;
        _time = time;
        _options = options.Value.Resilience;
        _attemptTimeout = options.Value.RequestTimeout;
    }

    /// <summary>The store's pipeline (made on first use).</summary>
    public ResiliencePipeline<HttpResponseMessage> For(Guid connectionId) =>
        _pipelines.GetOrAddPipeline<HttpResponseMessage>(connectionId, (builder, context) => Build(builder, context.PipelineKey));

    /// <summary>A handler running requests through the store's pipeline.</summary>
    public DelegatingHandler CreateHandler(Guid connectionId) => new ResilienceHandler(For(connectionId));

    /// <summary>How long the store's circuit stays open (at least a second), or null when it is not open.</summary>
    public TimeSpan? OpenFor(Guid connectionId)
    {
        if (!_openUntil.TryGetValue(connectionId, out DateTimeOffset until))
        {
            return null;
        }

        TimeSpan left = until - _time.GetUtcNow();
        return left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _pipelines.Dispose();

    private void Build(ResiliencePipelineBuilder<HttpResponseMessage> builder, Guid connectionId)
    {
        builder.TimeProvider = _time;
        builder.AddConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = _options.MaxConcurrentCalls,
            QueueLimit = _options.MaxQueuedCalls,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        if (_options.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = _options.MaxRetries,
                Delay = _options.RetryDelay,
                MaxDelay = _options.MaxRetryAfter > _options.RetryDelay ? _options.MaxRetryAfter : _options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context)),
            });
        }

        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = _options.CircuitFailureRatio,
            MinimumThroughput = _options.CircuitMinimumCalls,
            SamplingDuration = _options.CircuitSamplingDuration,
            BreakDuration = _options.CircuitBreakDuration,
            ShouldHandle = args => ValueTask.FromResult(IsStoreFailure(args.Outcome)),
            OnOpened = args =>
            {
                _openUntil[connectionId] = _time.GetUtcNow() + args.BreakDuration;
                _recorder.RecordAvailability(connectionId, StoreAvailability.Unavailable);
                return ValueTask.CompletedTask;
            },
            OnHalfOpened = _ =>
            {
                _openUntil.TryRemove(connectionId, out DateTimeOffset _);
                _recorder.RecordAvailability(connectionId, StoreAvailability.Probing);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                _openUntil.TryRemove(connectionId, out DateTimeOffset _);
                _recorder.RecordAvailability(connectionId, StoreAvailability.Available);
                return ValueTask.CompletedTask;
            },
        });
        builder.AddTimeout(_attemptTimeout);
    }

    /// <summary>
    /// Only a request that can be sent again unchanged, without reading a body twice: an idempotent method and no body.
    /// A <c>Retry-After</c> longer than <see cref="StoreResilienceOptions.MaxRetryAfter"/> goes back to the caller.
    /// </summary>
    private bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        HttpRequestMessage? request = context.GetRequestMessage();
        if (request is null || request.Content is not null || Array.IndexOf(Idempotent, request.Method) < 0)
        {
            return false;
        }

        if (outcome.Exception is not null)
        {
            return outcome.Exception is HttpRequestException or TimeoutRejectedException;
        }

        HttpResponseMessage response = outcome.Result!;
        int status = (int)response.StatusCode;
        if (status is not (>= 500 or 408 or 429))
        {
            return false;
        }

        return RetryAfterOf(response) is not { } wait || wait <= _options.MaxRetryAfter;
    }

    /// <summary>What says the store is down or overloaded: 5xx, 408, a timeout or a dropped connection (not 429, which is about the caller's pace).</summary>
    private static bool IsStoreFailure(Outcome<HttpResponseMessage> outcome) => outcome.Exception is not null
        ? outcome.Exception is HttpRequestException or TimeoutRejectedException
        : outcome.Result!.StatusCode is >= HttpStatusCode.InternalServerError or HttpStatusCode.RequestTimeout;

    private TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _time.GetUtcNow(),
        _ => null,
    };
}
