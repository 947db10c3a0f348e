namespace MagentoOAuth.Storage;

/// <summary>The reference implementation: the contract with nothing else. Not durable; for tests and experiments.</summary>
public sealed partial class InMemoryCredentialStore : ICredentialStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, StoreConnection> _connections = [];
    private readonly Dictionary<string, Guid> _byKey = new(StringComparer.Ordinal);
    private readonly List<HistoryEntry> _history = [];
    private readonly Dictionary<Guid, (string Owner, DateTimeOffset Until)> _claims = [];

    /// <inheritdoc />
    public Task<bool> InsertAsync(StoreConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_lock)
        {
            return Task.FromResult(Insert(connection));
        }
    }

    // Callers hold _lock.
    private bool Insert(StoreConnection connection)
    {
        if (_byKey.ContainsKey(connection.ConsumerKey) || _connections.ContainsKey(connection.Id))
        {
            return false;
        }

        _connections[connection.Id] = connection with { Version = 0, CreatedAt = connection.CreatedAt == default ? connection.ReceivedAt : connection.CreatedAt };
        _byKey[connection.ConsumerKey] = connection.Id;
        return true;
    }

    /// <inheritdoc />
    public Task<bool> UpdateAsync(StoreConnection connection, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_lock)
        {
            return Task.FromResult(Update(connection, expectedVersion));
        }
    }

    // Callers hold _lock.
    private bool Update(StoreConnection connection, long expectedVersion)
    {
        if (!_connections.TryGetValue(connection.Id, out StoreConnection? stored) || stored.Version != expectedVersion
            || (connection.ConsumerKey != stored.ConsumerKey && _byKey.ContainsKey(connection.ConsumerKey)))
        {
            return false;
        }

        _byKey.Remove(stored.ConsumerKey);
        _byKey[connection.ConsumerKey] = connection.Id;
        _connections[connection.Id] = connection with { Version = expectedVersion + 1, CreatedAt = stored.CreatedAt };
        return true;
    }

    /// <inheritdoc />
    public Task<StoreConnection?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_connections.GetValueOrDefault(id));
        }
    }

    /// <inheritdoc />
    public Task<StoreConnection?> FindByConsumerKeyAsync(string consumerKey, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_byKey.TryGetValue(consumerKey, out Guid id) ? _connections[id] : null);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoreConnection>> FindByStoreBaseUrlAsync(string storeBaseUrl, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<StoreConnection>>(Ordered(_connections.Values.Where(c => c.StoreBaseUrl == storeBaseUrl)).ToList());
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoreConnection>> ListUnfinishedAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<StoreConnection>>(_connections.Values
                .Where(c => c.Status is StoreStatus.Pending or StoreStatus.Exchanging)
                .OrderBy(c => c.ReceivedAt).ThenBy(c => c.Id.ToString(), StringComparer.Ordinal).Take(limit).ToList());
        }
    }

    /// <inheritdoc />
    public Task<ConnectionPage> ListAsync(ConnectionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        ConnectionCursor? after = query.After is null ? null : ConnectionCursor.Parse(query.After);
        lock (_lock)
        {
            List<StoreConnection> page = Ordered(_connections.Values.Where(c => Matches(c, query)))
                .Where(c => after is not { } a || Compare(ConnectionCursor.Of(c), a) > 0)
                .Take(query.PageSize + 1).ToList();
            bool more = page.Count > query.PageSize;
            if (more)
            {
                page.RemoveAt(page.Count - 1);
            }

            return Task.FromResult(new ConnectionPage(page, more ? ConnectionCursor.Of(page[^1]).ToString() : null));
        }
    }

    /// <inheritdoc />
    public async Task<int> DeleteFailedAsync(DateTimeOffset updatedBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        List<Guid> doomed;
        lock (_lock)
        {
            doomed = _connections.Values.Where(c => IConnectionStore.IsExpiredFailure(c, updatedBefore)).OrderBy(c => c.UpdatedAt).Take(limit).Select(c => c.Id).ToList();
        }

        int deleted = 0;
        foreach (Guid id in doomed)
        {
            deleted += await DeleteAsync(id, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return deleted;
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _history.RemoveAll(r => r.ConnectionId == id);
            _claims.Remove(id);
            if (!_connections.Remove(id, out StoreConnection? removed))
            {
                return Task.FromResult(false);
            }

            _byKey.Remove(removed.ConsumerKey);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> TryClaimAsync(Guid id, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_connections.ContainsKey(id) || (_claims.TryGetValue(id, out var claim) && claim.Owner != owner && claim.Until >= now))
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
    public Task AddAsync(HistoryEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            if (_connections.ContainsKey(entry.ConnectionId))
            {
                _history.Add(entry);
            }

            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<HistoryEntry>> ListAsync(Guid connectionId, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_lock)
        {
            var entries = _history.Where(r => r.ConnectionId == connectionId).ToList();
            return Task.FromResult<IReadOnlyList<HistoryEntry>>(entries.Skip(Math.Max(0, entries.Count - limit)).ToList());
        }
    }

    private static IEnumerable<StoreConnection> Ordered(IEnumerable<StoreConnection> connections) =>
        connections.OrderBy(c => ConnectionCursor.Of(c), Comparer<ConnectionCursor>.Create(Compare));

    private static int Compare(ConnectionCursor a, ConnectionCursor b)
    {
        int byTime = a.CreatedAt.UtcTicks.CompareTo(b.CreatedAt.UtcTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Id.ToString(), b.Id.ToString());
    }

    private static bool Matches(StoreConnection c, ConnectionQuery q) =>
        (q.Status is null || c.Status == q.Status)
        && (q.AccountId is null || c.AccountId == q.AccountId)
        && (string.IsNullOrEmpty(q.Text) || Contains(c.StoreBaseUrl, q.Text) || Contains(c.ConsumerKey, q.Text) || Contains(c.StoreName, q.Text));

    private static bool Contains(string? value, string text) => value is not null && value.Contains(text, StringComparison.OrdinalIgnoreCase);
}
