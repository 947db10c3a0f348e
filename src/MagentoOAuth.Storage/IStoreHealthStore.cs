namespace MagentoOAuth.Storage;

/// <summary>Stores' health, written in batches by the process that tracks it in memory.</summary>
public interface IStoreHealthStore
{
    /// <summary>Writes (inserts or replaces) every record of <paramref name="batch"/> in one go.</summary>
    /// <param name="batch">The changed records.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task SaveHealthAsync(IReadOnlyCollection<StoreHealth> batch, CancellationToken cancellationToken = default);

    /// <summary>The stored health of these connections (those with none are left out).</summary>
    /// <param name="connectionIds">The connections.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyDictionary<Guid, StoreHealth>> FindHealthAsync(IReadOnlyCollection<Guid> connectionIds, CancellationToken cancellationToken = default);
}
