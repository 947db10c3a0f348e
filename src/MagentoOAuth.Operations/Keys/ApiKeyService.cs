using MagentoOAuth.Storage;

namespace MagentoOAuth.Operations.Keys;

/// <summary>Creates, checks, lists and revokes the admin listener's API keys (the <c>keys</c> command and the listener use this).</summary>
/// <param name="store">Where keys are kept (hashed).</param>
/// <param name="time">The clock.</param>
public sealed class ApiKeyService(IApiKeyStore store, TimeProvider time)
{
    /// <summary>The longest key name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>Creates a key; the returned key text is shown once and never stored.</summary>
    /// <param name="name">A unique name: letters, digits, '.', '-', '_' (at most <see cref="MaxNameLength"/>).</param>
    /// <param name="scope">What it may do.</param>
    /// <param name="stores">The store base URLs it may reach; empty for all.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The stored record and the key, or <see langword="null"/> when the name is taken.</returns>
    /// <exception cref="ArgumentException">The name is not valid, or an admin key is given stores (admin keys reach every store).</exception>
    public async Task<(ApiKey Stored, string Key)?> CreateAsync(string name, ApiKeyScope scope, IReadOnlyList<string> stores, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stores);
        if (!IsValidName(name))
        {
            throw new ArgumentException($"A key name is 1 to {MaxNameLength} letters, digits, '.', '-' or '_'.", nameof(name));
        }

        // The dashboard and /metrics show the whole fleet: an admin key limited to some stores would promise what they
        // do not keep.
        if (scope == ApiKeyScope.Admin && stores.Count > 0)
        {
            throw new ArgumentException("An admin key reaches every store (the dashboard and /metrics show the whole fleet); limit proxy keys to stores instead.", nameof(stores));
        }

        (string key, string keyId, string hash) = ApiKeyFormat.Create();
        var stored = new ApiKey { Name = name, KeyId = keyId, SecretHash = hash, Scope = scope, Stores = [.. stores.Distinct(StringComparer.Ordinal)], CreatedAt = time.GetUtcNow() };
        return await store.AddApiKeyAsync(stored, cancellationToken).ConfigureAwait(false) ? (stored, key) : null;
    }

    /// <summary>The stored key that <paramref name="presented"/> is, or <see langword="null"/> (malformed, unknown, revoked or wrong).</summary>
    /// <param name="presented">The key as the caller sent it.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<ApiKey?> ValidateAsync(string? presented, CancellationToken cancellationToken = default)
    {
        if (presented is null || !ApiKeyFormat.TryParse(presented, out string? keyId, out string? secret))
        {
            return null;
        }

        ApiKey? stored = await store.FindApiKeyAsync(keyId, cancellationToken).ConfigureAwait(false);
        return stored is not null && ApiKeyFormat.HashMatches(secret, stored.SecretHash) ? stored : null;
    }

    /// <summary>Every key (never the key text).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default) => store.ListApiKeysAsync(cancellationToken);

    /// <summary>Revokes the key named <paramref name="name"/>.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>False when no key has that name.</returns>
    public Task<bool> RevokeAsync(string name, CancellationToken cancellationToken = default) => store.RevokeApiKeyAsync(name, cancellationToken);

    /// <summary>Whether <paramref name="name"/> can name a key.</summary>
    /// <param name="name">The name.</param>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
}
