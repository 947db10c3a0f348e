namespace MagentoOAuth.AspNetCore;

/// <summary>
/// How calls to one store are protected (per store, for the signing proxy and <c>IMagentoClientFactory</c> clients
/// alike): a concurrency limit, retries of idempotent requests with a fresh signature each, Magento's
/// <c>Retry-After</c> honoured, and a circuit that fails fast while the store keeps failing.
/// </summary>
public sealed class StoreResilienceOptions
{
    /// <summary>Calls to one store in flight at once; more wait in a queue. A Magento store runs a few PHP workers.</summary>
    public int MaxConcurrentCalls { get; set; } = 16;

    /// <summary>Calls to one store that may wait for a free slot; beyond it a call fails at once (the proxy answers 503).</summary>
    public int MaxQueuedCalls { get; set; } = 256;

    /// <summary>
    /// How many times an idempotent request without a body (GET, HEAD, OPTIONS, DELETE) is sent again after a passing
    /// failure (5xx, 408, 429, a timeout, a dropped connection); 0 for never. Each attempt is signed anew.
    /// </summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first delay before a retry; it doubles with each attempt (with jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The longest <c>Retry-After</c> from the store that is waited for before retrying; a longer one is passed back to
    /// the caller with the answer.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Share of failed calls (5xx, timeouts, dropped connections) within <see cref="CircuitSamplingDuration"/> that opens the circuit.</summary>
    public double CircuitFailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed within <see cref="CircuitSamplingDuration"/> before the circuit may open.</summary>
    public int CircuitMinimumCalls { get; set; } = 10;

    /// <summary>The window failures are counted in.</summary>
    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit fails calls at once before one trial call is let through.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
