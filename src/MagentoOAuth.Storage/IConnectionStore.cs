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

    /// <summary>
    /// Deletes up to <paramref name="limit"/> failed connections that hold no access token, are linked to no account and
    /// last changed before <paramref name="updatedBefore"/> (activations that never worked, forged callbacks among them),
    /// with their leases and history; returns how many. Backends should override this with one indexed statement; the
    /// default pages through the failed connections.
    /// </summary>
    async Task<int> DeleteFailedAsync(DateTimeOffset updatedBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var doomed = new List<Guid>();
        string? after = null;
        do
        {
            ConnectionPage page = await ListAsync(new ConnectionQuery { Status = StoreStatus.Failed, After = after, PageSize = ConnectionQuery.MaxPageSize }, cancellationToken).ConfigureAwait(false);
            doomed.AddRange(page.Items.Where(c => IsExpiredFailure(c, updatedBefore)).Select(c => c.Id));
            after = page.Next;
        }
        while (after is not null && doomed.Count < limit);

        int deleted = 0;
        foreach (Guid id in doomed.Take(limit))
        {
            deleted += await DeleteAsync(id, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return deleted;
    }

    /// <summary>Whether <see cref="DeleteFailedAsync"/> removes <paramref name="connection"/>.</summary>
    internal static bool IsExpiredFailure(StoreConnection connection, DateTimeOffset updatedBefore)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection is { Status: StoreStatus.Failed, AccessToken: null, AccountId: null, Unreadable: false } && connection.UpdatedAt < updatedBefore;
    }

    /// <summary>Deletes a connection with its lease and history; false if it did not exist. Deleting twice is not an error.</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default);
}
