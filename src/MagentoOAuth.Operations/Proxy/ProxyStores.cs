using System.Collections.Concurrent;
using MagentoOAuth.AspNetCore;
using MagentoOAuth.AspNetCore.Clients;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.Operations.Proxy;

/// <summary>
/// Finds the connection a proxy path names, without a database read per call: which connection a reference names is
/// kept as long as credentials are (<see cref="MagentoIntegrationOptions.CredentialCacheDuration"/>), and the
/// connection itself comes from the clients' credentials cache, which sees this process's changes (a Reauthorize) at once.
/// A reference that lands on a connection that is no longer active is looked up again (a newer integration may now
/// be the store's active one).
/// </summary>
internal sealed class ProxyStores(IConnectionStore connections, ConnectionCredentialsCache cache, IOptions<MagentoIntegrationOptions> options, TimeProvider time)
{
    private const int MaxReferences = 100_000;
    private readonly ConcurrentDictionary<string, (Guid Id, DateTimeOffset Until)> _references = new(StringComparer.Ordinal);

    public async ValueTask<StoreConnection?> FindAsync(string reference, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (_references.TryGetValue(reference, out var known) && known.Until > now
            && await cache.GetCurrentAsync(known.Id, cancellationToken).ConfigureAwait(false) is { Status: StoreStatus.Active, Unreadable: false } current)
        {
            return current;
        }

        StoreConnection? found = await StoreReference.FindAsync(connections, reference, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            _references.TryRemove(reference, out _);
            return null;
        }

        if (_references.Count >= MaxReferences)
        {
            // Many distinct names (or someone trying names): start over rather than grow without bound.
            _references.Clear();
        }

        _references[reference] = (found.Id, now + options.Value.CredentialCacheDuration);
        // Storage may be ahead of the cache for a moment (a change is stored before it is reported): the newer one wins.
        StoreConnection? cached = await cache.GetCurrentAsync(found.Id, cancellationToken).ConfigureAwait(false);
        return cached is not null && cached.Version > found.Version ? cached : found;
    }
}
