using MagentoOAuth.Signing;

namespace MagentoOAuth.AspNetCore;

/// <summary>Options of the integration endpoint (<c>AddMagentoIntegration</c>).</summary>
public sealed class MagentoIntegrationOptions
{
    /// <summary>
    /// Accept store base URLs that resolve to loopback, private or link-local addresses. Off by default: a forged
    /// callback could otherwise make this server call internal services. The sandbox and demo turn it on.
    /// </summary>
    public bool AllowPrivateStores { get; set; }

    /// <summary>If not empty, only stores whose host is listed (or is a subdomain of a listed <c>.example.com</c>) are accepted.</summary>
    public IList<string> AllowedStoreHosts { get; } = [];

    /// <summary>The stores' consumer expiry (Magento's <c>oauth/consumer/expiration_period</c>, 300 s by default).</summary>
    public TimeSpan ConsumerExpiry { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>First delay between retries of a step that failed for a passing reason; it doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between retries.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How many times the access and verification steps (which have no deadline) are tried before the store is failed.</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>How many exchanges run at once.</summary>
    public int MaxConcurrentExchanges { get; set; } = 32;

    /// <summary>How long one call to a store may take before it counts as a passing failure and is retried.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>This instance's name in claims; unique per process by default.</summary>
    public string InstanceId { get; set; } = Environment.MachineName + "/" + Environment.ProcessId + "/" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>
    /// How long a claim on a store's exchange lasts without renewal. An instance renews it before every step; when an
    /// instance dies, another takes the store over once the lease has run out.
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often unfinished exchanges are looked for (to resume or take over).</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The signature method for the exchange and API calls.</summary>
    public OAuthSignatureMethod SignatureMethod { get; set; } = OAuthSignatureMethod.HmacSha256;

    /// <summary>
    /// How long after the credential POST the identity page's Confirm may link an account (once per activation). The
    /// consumer key in the Identity Link URL is not secret, so a link that stays open forever could be hijacked.
    /// </summary>
    public TimeSpan AccountLinkWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a per-store client may sign with credentials read earlier before reading them again. Changes made by
    /// this process apply at once; a token Magento refuses is re-read at once, so this only bounds other instances' changes.
    /// </summary>
    public TimeSpan CredentialCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many callbacks one client address may send per minute (IPv6 addresses count per /64), answered 429 with
    /// <c>Retry-After</c> beyond it; 0 for no limit. Magento sends one per activation or Reauthorize.
    /// </summary>
    public int CallbackLimitPerAddress { get; set; } = 60;

    /// <summary>How many callbacks are accepted per minute from all addresses together; 0 for no limit.</summary>
    public int CallbackLimitTotal { get; set; } = 1200;

    /// <summary>
    /// How many activations of one store host may be unfinished at once; a new integration beyond it is refused (429)
    /// until one finishes or fails. A Reauthorize of a known integration is always accepted.
    /// </summary>
    public int MaxUnfinishedPerStoreHost { get; set; } = 5;

    /// <summary>
    /// How long a failed activation that never got a token (and is linked to no account) is kept before it is
    /// removed; <see cref="Timeout.InfiniteTimeSpan"/> keeps them.
    /// </summary>
    public TimeSpan RetainFailed { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Per-store concurrency limit, retries, <c>Retry-After</c> and circuit of every signed call (proxy and clients).</summary>
    public StoreResilienceOptions Resilience { get; set; } = new();

    /// <summary>
    /// How often the stores' health counted in memory (every signed call's outcome) is written to the database, in one
    /// batch for all stores called meanwhile; also written when the host stops. Between 100 ms and 10 minutes.
    /// </summary>
    public TimeSpan HealthWriteInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Hooks for the hosting app.</summary>
    public MagentoIntegrationEvents Events { get; set; } = new();

    /// <summary>
    /// Write an event to the storage's outbox with every reported transition, in the row change's transaction (webhooks
    /// turn this on: <c>AddMagentoWebhooks</c>). Off by default, so an outbox nobody drains never grows.
    /// </summary>
    internal bool RecordEvents { get; set; }
}
