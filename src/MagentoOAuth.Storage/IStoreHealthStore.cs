namespace MagentoOAuth.Storage;

/// <summary>Stores' health, written in batches by the process that tracks it in memory.</summary>
public interface IStoreHealthStore
{
    /// <summary>
    /// Adds every record of <paramref name="batch"/> to the stored one (<see cref="StoreHealth.Combine"/>: counts summed
    /// per slot, the later last success and failure, the later availability), all in one transaction, so instances
    /// sharing the database each add what they counted since their last write and none overwrites another's counts.
    /// Records of connections that are not stored (removed meanwhile) are left out.
    /// </summary>
    /// <param name="batch">What this process counted since its last write, per connection (one record each).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task SaveHealthAsync(IReadOnlyCollection<StoreHealth> batch, CancellationToken cancellationToken = default);

    /// <summary>The stored health of these connections (those with none are left out).</summary>
    /// <param name="connectionIds">The connections.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyDictionary<Guid, StoreHealth>> FindHealthAsync(IReadOnlyCollection<Guid> connectionIds, CancellationToken cancellationToken = default);
}
