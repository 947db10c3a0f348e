namespace MagentoOAuth.Storage;

/// <summary>The admin listener's API keys, stored hashed.</summary>
public interface IApiKeyStore
{
    /// <summary>Stores a new key.</summary>
    /// <param name="key">The key (its hash).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>False when a key with that name (or key id) exists already.</returns>
    Task<bool> AddApiKeyAsync(ApiKey key, CancellationToken cancellationToken = default);

    /// <summary>The key with that public id, or <see langword="null"/>.</summary>
    /// <param name="keyId">The public id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<ApiKey?> FindApiKeyAsync(string keyId, CancellationToken cancellationToken = default);

    /// <summary>Every key, by name.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes the key named <paramref name="name"/>: it is refused from the next request on.</summary>
    /// <param name="name">The key's name.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>False when there is no such key.</returns>
    Task<bool> RevokeApiKeyAsync(string name, CancellationToken cancellationToken = default);
}
