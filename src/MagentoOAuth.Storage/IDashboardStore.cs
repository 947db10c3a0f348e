namespace MagentoOAuth.Storage;

/// <summary>
/// The admin dashboard's reads that the general contract does not serve cheaply: a page's rotation counts in one query,
/// and the few stores that wait for the merchant's Reauthorize without scanning the fleet.
/// </summary>
internal interface IDashboardStore
{
    /// <summary>Per connection of <paramref name="connectionIds"/> that has history: its rotations and when its credentials were last issued.</summary>
    /// <param name="connectionIds">A page of connections.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyDictionary<Guid, CredentialSummary>> SummarizeCredentialsAsync(IReadOnlyCollection<Guid> connectionIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> connections that only the merchant's Reauthorize brings back, most recently changed
    /// first: revoked ones, and failed ones that held tokens or whose reason asks for a Reauthorize.
    /// </summary>
    /// <param name="limit">The most to return.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<StoreConnection>> ListNeedingReauthorizeAsync(int limit, CancellationToken cancellationToken = default);
}

/// <summary>What a connection's history says about its credentials.</summary>
/// <param name="Rotations">How many times the merchant clicked Reauthorize.</param>
/// <param name="IssuedAt">When the credentials in use were last activated or rotated, if the history says.</param>
internal readonly record struct CredentialSummary(int Rotations, DateTimeOffset? IssuedAt);

/// <summary>The rule both backends apply for <see cref="IDashboardStore.ListNeedingReauthorizeAsync"/>.</summary>
internal static class ReauthorizeRule
{
    /// <summary>The words of a failure reason that tell the merchant to click Reauthorize.</summary>
    public const string ReasonMarker = "Reauthorize";

    public static bool Needs(StoreConnection c) =>
        c.Status == StoreStatus.Revoked
        || (c.Status == StoreStatus.Failed && (c.AccessToken is not null || (c.StatusReason?.Contains(ReasonMarker, StringComparison.OrdinalIgnoreCase) ?? false)));
}
