namespace MagentoOAuth.Storage;

/// <summary>The reference implementation: the contract with nothing else. Not durable; for tests and experiments.</summary>
public sealed class InMemoryCredentialStore : ICredentialStore
{
    private readonly Lock _lock = new();
    private readonly List<StoreConnection> _connections = [];
    private readonly List<CredentialRotation> _rotations = [];
    private readonly Dictionary<Guid, (string Owner, DateTimeOffset Until)> _claims = [];

    /// <inheritdoc />
    public Task<bool> InsertAsync(StoreConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_lock)
        {
            if (_connections.Exists(c => c.ConsumerKey == connection.ConsumerKey || c.Id == connection.Id))
            {
                return Task.FromResult(false);
            }

            _connections.Add(connection with { Version = 0 });
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> UpdateAsync(StoreConnection connection, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_lock)
        {
            int index = _connections.FindIndex(c => c.Id == connection.Id);
            if (index < 0 || _connections[index].Version != expectedVersion)
            {
                return Task.FromResult(false);
            }

            _connections[index] = connection with { Version = expectedVersion + 1 };
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<StoreConnection?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_connections.Find(c => c.Id == id));
        }
    }

    /// <inheritdoc />
    public Task<StoreConnection?> FindByConsumerKeyAsync(string consumerKey, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_connections.Find(c => c.ConsumerKey == consumerKey));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoreConnection>> ListAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<StoreConnection>>(_connections.ToList());
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _rotations.RemoveAll(r => r.StoreId == id);
            return Task.FromResult(_connections.RemoveAll(c => c.Id == id) > 0);
        }
    }

    /// <inheritdoc />
    public Task<bool> TryClaimAsync(Guid id, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_connections.Exists(c => c.Id == id)
                || (_claims.TryGetValue(id, out var claim) && claim.Owner != owner && claim.Until >= now))
            {
                return Task.FromResult(false);
            }

            _claims[id] = (owner, until);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task ReleaseAsync(Guid id, string owner, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_claims.TryGetValue(id, out var claim) && claim.Owner == owner)
            {
                _claims.Remove(id);
            }

            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task AddRotationAsync(CredentialRotation rotation, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _rotations.Add(rotation);
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CredentialRotation>> ListRotationsAsync(Guid storeId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<CredentialRotation>>(_rotations.Where(r => r.StoreId == storeId).ToList());
        }
    }
}
