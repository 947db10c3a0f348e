namespace MagentoOAuth.Storage;

public sealed partial class InMemoryCredentialStore : IApiKeyStore
{
    private readonly Dictionary<string, ApiKey> _apiKeys = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<bool> AddApiKeyAsync(ApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            if (_apiKeys.ContainsKey(key.Name) || _apiKeys.Values.Any(k => k.KeyId == key.KeyId))
            {
                return Task.FromResult(false);
            }

            _apiKeys[key.Name] = key;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<ApiKey?> FindApiKeyAsync(string keyId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_apiKeys.Values.FirstOrDefault(k => k.KeyId == keyId));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ApiKey>>([.. _apiKeys.Values.OrderBy(k => k.Name, StringComparer.Ordinal)]);
        }
    }

    /// <inheritdoc />
    public Task<bool> RevokeApiKeyAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_apiKeys.Remove(name));
        }
    }
}
