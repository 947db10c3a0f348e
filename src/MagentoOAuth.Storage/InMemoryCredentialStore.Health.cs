namespace MagentoOAuth.Storage;

public sealed partial class InMemoryCredentialStore : IStoreHealthStore, IStoreStatusCounter
{
    private readonly Dictionary<Guid, StoreHealth> _health = [];

    /// <inheritdoc />
    public Task SaveHealthAsync(IReadOnlyCollection<StoreHealth> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_lock)
        {
            foreach (StoreHealth added in batch)
            {
                if (_connections.ContainsKey(added.ConnectionId))
                {
                    _health[added.ConnectionId] = StoreHealth.Combine(_health.GetValueOrDefault(added.ConnectionId) ?? new StoreHealth { ConnectionId = added.ConnectionId }, added);
                }
            }

            // Health goes with its connection, as the SQL backends' foreign key does.
            foreach (Guid gone in _health.Keys.Where(id => !_connections.ContainsKey(id)).ToList())
            {
                _health.Remove(gone);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<Guid, StoreHealth>> FindHealthAsync(IReadOnlyCollection<Guid> connectionIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionIds);
        lock (_lock)
        {
            var found = new Dictionary<Guid, StoreHealth>();
            foreach (Guid id in connectionIds)
            {
                if (_connections.ContainsKey(id) && _health.TryGetValue(id, out StoreHealth? health))
                {
                    found[id] = health;
                }
            }

            return Task.FromResult<IReadOnlyDictionary<Guid, StoreHealth>>(found);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<StoreStatus, long>> CountByStatusAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyDictionary<StoreStatus, long>>(_connections.Values.GroupBy(c => c.Status).ToDictionary(g => g.Key, g => (long)g.LongCount()));
        }
    }
}
