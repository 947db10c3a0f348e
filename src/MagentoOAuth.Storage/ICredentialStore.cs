namespace MagentoOAuth.Storage;

/// <summary>
/// Durable storage of store connections. Implementations must encrypt secrets at rest, keep consumer keys unique, and
/// apply <see cref="UpdateAsync"/> only when the version matches (so two workers racing on one change cannot both win).
/// Every backend passes the same conformance suite (<c>CredentialStoreConformanceTests</c>).
/// </summary>
public interface ICredentialStore
{
    /// <summary>Adds a connection; false when its consumer key is already stored.</summary>
    Task<bool> InsertAsync(StoreConnection connection, CancellationToken cancellationToken = default);

    /// <summary>Replaces a connection if its stored version is still <paramref name="expectedVersion"/>; the stored version becomes one more. False otherwise.</summary>
    Task<bool> UpdateAsync(StoreConnection connection, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>The connection with this id, or null.</summary>
    Task<StoreConnection?> FindAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>The connection with this consumer key, or null.</summary>
    Task<StoreConnection?> FindByConsumerKeyAsync(string consumerKey, CancellationToken cancellationToken = default);

    /// <summary>Every connection, oldest first.</summary>
    Task<IReadOnlyList<StoreConnection>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a connection and its history; false if it did not exist. Deleting twice is not an error.</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the exchange of a store for <paramref name="owner"/> until <paramref name="until"/>: succeeds when nobody
    /// holds it, the holder's lease ended before <paramref name="now"/>, or <paramref name="owner"/> already holds it (a
    /// renewal). Exactly one of several instances racing for a store gets it.
    /// </summary>
    Task<bool> TryClaimAsync(Guid id, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>Gives up <paramref name="owner"/>'s claim on a store, if it holds one.</summary>
    Task ReleaseAsync(Guid id, string owner, CancellationToken cancellationToken = default);

    /// <summary>Records a rotation.</summary>
    Task AddRotationAsync(CredentialRotation rotation, CancellationToken cancellationToken = default);

    /// <summary>A store's rotations, oldest first.</summary>
    Task<IReadOnlyList<CredentialRotation>> ListRotationsAsync(Guid storeId, CancellationToken cancellationToken = default);
}
