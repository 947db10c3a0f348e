using MagentoOAuth.Signing;

namespace MagentoOAuth.Storage;

/// <summary>
/// One Magento store connected through one integration (consumer key): its credentials, exchange progress and what we
/// learned about the store. Secrets are held in memory in clear and encrypted by the store that persists them.
/// <see cref="ToString"/> never shows a secret.
/// </summary>
public sealed record StoreConnection
{
    /// <summary>Our id for the store.</summary>
    public required Guid Id { get; init; }

    /// <summary>The <c>store_base_url</c> Magento posted, ending in '/'.</summary>
    public required string StoreBaseUrl { get; init; }

    /// <summary>The integration's consumer key (not secret: it travels in URLs).</summary>
    public required string ConsumerKey { get; init; }

    /// <summary>The consumer secret (Magento never changes it, even on Reauthorize).</summary>
    public required string ConsumerSecret { get; init; }

    /// <summary>The verifier of the latest credential POST.</summary>
    public string? Verifier { get; init; }

    /// <summary>The request token, once issued.</summary>
    public string? RequestToken { get; init; }

    /// <summary>The request token's secret.</summary>
    public string? RequestTokenSecret { get; init; }

    /// <summary>The access token, once issued.</summary>
    public string? AccessToken { get; init; }

    /// <summary>The access token's secret.</summary>
    public string? AccessTokenSecret { get; init; }

    /// <summary>Where the connection stands.</summary>
    public StoreStatus Status { get; init; }

    /// <summary>Why it is failed or revoked, or what it is waiting for.</summary>
    public string? StatusReason { get; init; }

    /// <summary>How far the exchange got.</summary>
    public ExchangeStep Step { get; init; }

    /// <summary>When the latest credential POST arrived (the consumer expiry window starts then).</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>When this record last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Exchange attempts made for the latest activation.</summary>
    public int Attempts { get; init; }

    /// <summary>The hosting app's account this store is linked to, if any.</summary>
    public string? AccountId { get; init; }

    /// <summary>When the account was last linked (once per activation: a new link needs a newer <see cref="ReceivedAt"/>).</summary>
    public DateTimeOffset? AccountLinkedAt { get; init; }

    /// <summary>The connection that replaced this one, when <see cref="Status"/> is <see cref="StoreStatus.Superseded"/>.</summary>
    public Guid? SupersededBy { get; init; }

    /// <summary>When the connection was first stored; listings page in this order. Defaults to <see cref="ReceivedAt"/> on insert.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The store's name, from <c>GET /V1/store/storeConfigs</c> (its code, e.g. <c>default</c>).</summary>
    public string? StoreName { get; init; }

    /// <summary>The store's locale (e.g. <c>en_US</c>).</summary>
    public string? Locale { get; init; }

    /// <summary>The store's base currency (e.g. <c>USD</c>).</summary>
    public string? Currency { get; init; }

    /// <summary>The signature profile that works for this store, once known.</summary>
    public SignatureProfile Profile { get; init; }

    /// <summary>Optimistic-concurrency version, incremented by every update.</summary>
    public long Version { get; init; }

    /// <summary>
    /// True when the row's secrets could not be decrypted with the current key (written under another key, or altered):
    /// it is listed with its public fields and empty secrets, and never written back, so nothing of it is lost.
    /// </summary>
    public bool Unreadable { get; init; }

    /// <summary>The access credentials, when the store has them.</summary>
    public OAuthCredentials? AccessCredentials =>
        AccessToken is null || AccessTokenSecret is null ? null : new OAuthCredentials(ConsumerKey, ConsumerSecret, AccessToken, AccessTokenSecret);

    /// <inheritdoc />
    public override string ToString() =>
        $"StoreConnection {{ Id = {Id}, StoreBaseUrl = {StoreBaseUrl}, ConsumerKey = {SecretMask.Mask(ConsumerKey)}, Status = {Status}, Step = {Step} }}";
}

