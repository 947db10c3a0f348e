namespace MagentoOAuth.Storage;

/// <summary>How many stored connections have each status (one grouped query, for gauges and summaries).</summary>
public interface IStoreStatusCounter
{
    /// <summary>The number of connections per status (statuses without any are left out).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyDictionary<StoreStatus, long>> CountByStatusAsync(CancellationToken cancellationToken = default);
}
