using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.Operations.Keys;

/// <summary>
/// Keys that checked out, remembered for <see cref="MagentoOperationsOptions.KeyCacheDuration"/>: a busy proxy caller
/// costs one database read per period instead of one per request. Only successes are kept (a new key works at once),
/// by the SHA-256 of the presented key (never the key), and a revocation made through this process clears it at once;
/// one made elsewhere takes effect within the period.
/// </summary>
internal sealed class ApiKeyCache(ApiKeyService keys, IOptions<MagentoOperationsOptions> options, TimeProvider time)
{
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, (ApiKey Key, DateTimeOffset Until)> _valid = new(StringComparer.Ordinal);

    public async Task<ApiKey?> ValidateAsync(string presented, CancellationToken cancellationToken)
    {
        TimeSpan period = options.Value.KeyCacheDuration;
        if (period <= TimeSpan.Zero)
        {
            return await keys.ValidateAsync(presented, cancellationToken).ConfigureAwait(false);
        }

        string id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
        DateTimeOffset now = time.GetUtcNow();
        if (_valid.TryGetValue(id, out var known) && known.Until > now)
        {
            return known.Key;
        }

        ApiKey? key = await keys.ValidateAsync(presented, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            _valid.TryRemove(id, out _);
            return null;
        }

        if (_valid.Count >= MaxEntries)
        {
            _valid.Clear();
        }

        _valid[id] = (key, now + period);
        return key;
    }

    /// <summary>Forgets every remembered key (after a revocation in this process).</summary>
    public void Clear() => _valid.Clear();
}
