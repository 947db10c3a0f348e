namespace MagentoOAuth.Storage;

/// <summary>
/// Leases on exchanges, so that of several instances sharing a database one at a time works on a store. A lease is held
/// until it is released or runs out; then another instance may take it over.
/// </summary>
public interface IExchangeLeaseStore
{
    /// <summary>
    /// Claims the exchange of a connection for <paramref name="owner"/> until <paramref name="until"/>: succeeds when
    /// nobody holds it, the holder's lease ended before <paramref name="now"/>, or <paramref name="owner"/> already holds
    /// it (a renewal). Exactly one of several instances racing for a connection gets it; false for an unknown id.
    /// </summary>
    Task<bool> TryClaimAsync(Guid id, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>Gives up <paramref name="owner"/>'s claim on a connection, if it holds one.</summary>
    Task ReleaseAsync(Guid id, string owner, CancellationToken cancellationToken = default);
}
