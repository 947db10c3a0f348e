namespace MagentoOAuth.Storage;

/// <summary>Where a store's connection stands.</summary>
public enum StoreStatus
{
    /// <summary>Magento posted the credentials; the exchange has not started.</summary>
    Pending = 0,

    /// <summary>The token exchange (or its verification) is running.</summary>
    Exchanging = 1,

    /// <summary>Verified access credentials; ready for API calls.</summary>
    Active = 2,

    /// <summary>The exchange could not finish; <see cref="StoreConnection.StatusReason"/> says why. Only a new activation (Reauthorize) leaves it.</summary>
    Failed = 3,

    /// <summary>Magento no longer accepts the access token (the integration was deleted, or reauthorized elsewhere).</summary>
    Revoked = 4,

    /// <summary>A newer integration for the same store (and account) verified; <see cref="StoreConnection.SupersededBy"/> names it.</summary>
    Superseded = 5,
}

/// <summary>How far the token exchange got; each step is persisted before the next starts.</summary>
public enum ExchangeStep
{
    /// <summary>The credentials arrived.</summary>
    Received = 0,

    /// <summary>A request token was issued (it cannot be asked for again in this activation).</summary>
    RequestToken = 1,

    /// <summary>An access token was issued.</summary>
    AccessToken = 2,

    /// <summary>A signed call with the access token succeeded.</summary>
    Verified = 3,
}
