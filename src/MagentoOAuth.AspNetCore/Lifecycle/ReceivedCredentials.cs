namespace MagentoOAuth.AspNetCore.Lifecycle;

/// <summary>The four fields of Magento's credential POST, validated.</summary>
/// <param name="ConsumerKey">oauth_consumer_key.</param>
/// <param name="ConsumerSecret">oauth_consumer_secret.</param>
/// <param name="Verifier">oauth_verifier.</param>
/// <param name="StoreBaseUrl">store_base_url, normalised, ending in '/'.</param>
public sealed record ReceivedCredentials(string ConsumerKey, string ConsumerSecret, string Verifier, string StoreBaseUrl)
{
    /// <inheritdoc />
    public override string ToString() => $"ReceivedCredentials {{ ConsumerKey = {MagentoOAuth.Signing.SecretMask.Mask(ConsumerKey)}, StoreBaseUrl = {StoreBaseUrl} }}";
}

/// <summary>What <see cref="ConnectionLifecycle.ReceiveAsync"/> did.</summary>
/// <param name="Outcome">The outcome.</param>
/// <param name="Connection">The stored connection, when one was created or reauthorized.</param>
public sealed record ReceiveResult(ReceiveOutcome Outcome, MagentoOAuth.Storage.StoreConnection? Connection);

/// <summary>Outcomes of a credential POST.</summary>
public enum ReceiveOutcome
{
    /// <summary>A new integration, stored as pending.</summary>
    Created,

    /// <summary>A Reauthorize of a known integration.</summary>
    Reauthorized,

    /// <summary>The consumer key is known with another secret: refused, nothing stored.</summary>
    SecretMismatch,

    /// <summary>The consumer key belongs to another store URL: refused, nothing stored.</summary>
    StoreMismatch,

    /// <summary>The connection kept changing under us; Magento may post again.</summary>
    Busy,

    /// <summary>The consumer key is known, but its row cannot be decrypted with this key: refused, nothing changed.</summary>
    Unreadable,
}

/// <summary>What <see cref="ConnectionLifecycle.LinkAccountAsync"/> did.</summary>
public enum LinkResult
{
    /// <summary>Linked.</summary>
    Linked,

    /// <summary>Already linked to this account in this activation; nothing changed.</summary>
    AlreadyLinked,

    /// <summary>Linked to another account in this activation; a new activation (Reauthorize) is needed to link another.</summary>
    LinkedToAnotherAccount,

    /// <summary>The link window after the credential POST has passed; a new activation (Reauthorize) opens a new one.</summary>
    WindowClosed,

    /// <summary>No such connection.</summary>
    UnknownConnection,
}
