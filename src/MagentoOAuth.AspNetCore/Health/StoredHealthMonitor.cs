using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Health;

/// <summary>Placeholder until the in-memory tracker lands: what the database holds, if it holds health at all.</summary>
internal sealed class StoredHealthMonitor(IServiceProvider services) : IStoreHealthMonitor
{
    public async Task<IReadOnlyDictionary<Guid, StoreHealth>> GetAsync(IReadOnlyCollection<Guid> connectionIds, CancellationToken cancellationToken = default) =>
        services.GetService(typeof(IStoreHealthStore)) is IStoreHealthStore store
            ? await store.FindHealthAsync(connectionIds, cancellationToken).ConfigureAwait(false)
            : new Dictionary<Guid, StoreHealth>();
}
