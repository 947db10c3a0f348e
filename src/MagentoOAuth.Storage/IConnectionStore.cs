namespace MagentoOAuth.Storage;

/// <summary>
/// The connection records: one row per integration (consumer key), secrets encrypted at rest, every query indexed. No
/// method reads the whole table: listings are keyset-paged. <see cref="UpdateAsync"/> applies only at the expected
/// version, so of two writers racing on one change exactly one wins. Every backend passes the conformance battery
/// (<c>ConnectionStoreConformanceTests</c>).
/// </summary>
public interface IConnectionStore
{
    /// <summary>Adds a connection; false when its id or consumer key is already stored.</summary>
    Task<bool> InsertAsync(StoreConnection connection, CancellationToken cancellationToken = default);

    /// <summary>Replaces a connection if its stored version is still <paramref name="expectedVersion"/>; the stored version becomes one more. False otherwise.</summary>
    Task<bool> UpdateAsync(StoreConnection connection, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>The connection with this id, or null.</summary>
    Task<StoreConnection?> FindAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>The connection with this consumer key, or null.</summary>
    Task<StoreConnection?> FindByConsumerKeyAsync(string consumerKey, CancellationToken cancellationToken = default);

    /// <summary>Every connection for this store base URL (exact, ending in '/'), oldest first: usually one, a few after re-installs.</summary>
    Task<IReadOnlyList<StoreConnection>> FindByStoreBaseUrlAsync(string storeBaseUrl, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> connections whose exchange has not finished (pending or exchanging), oldest activation first.</summary>
    Task<IReadOnlyList<StoreConnection>> ListUnfinishedAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>One page of connections in creation order, filtered by <paramref name="query"/>; pass <see cref="ConnectionPage.Next"/> back to go on.</summary>
    Task<ConnectionPage> ListAsync(ConnectionQuery query, CancellationToken cancellationToken = default);

    /// <summary>Deletes a connection with its lease and history; false if it did not exist. Deleting twice is not an error.</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default);
}
