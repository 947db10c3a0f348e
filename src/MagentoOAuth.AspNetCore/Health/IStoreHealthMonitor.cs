using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Health;

/// <summary>
/// Stores' health as this process sees it: what it recorded in memory since its last batch write, merged with what
/// the database holds (from this and other instances).
/// </summary>
public interface IStoreHealthMonitor
{
    /// <summary>The health of these connections (those never called are left out).</summary>
    /// <param name="connectionIds">The connections.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyDictionary<Guid, StoreHealth>> GetAsync(IReadOnlyCollection<Guid> connectionIds, CancellationToken cancellationToken = default);
}
