using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Clients;

/// <summary>
/// How a store is named by people and tools (the CLI's STORE, the proxy's <c>/proxy/{STORE}/</c>): a connection id, a
/// consumer key, or a store base URL (its active connection, else its newest).
/// </summary>
public static class StoreReference
{
    /// <summary>The connection <paramref name="reference"/> names, or null when none does.</summary>
    /// <param name="connections">The stored connections.</param>
    /// <param name="reference">An id, a consumer key or a store base URL (with or without the final '/').</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async Task<StoreConnection?> FindAsync(IConnectionStore connections, string reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connections);
        if (string.IsNullOrWhiteSpace(reference))
        {
            return null;
        }

        if (Guid.TryParse(reference, out Guid id) && await connections.FindAsync(id, cancellationToken).ConfigureAwait(false) is { } byId)
        {
            return byId;
        }

        if (await connections.FindByConsumerKeyAsync(reference, cancellationToken).ConfigureAwait(false) is { } byKey)
        {
            return byKey;
        }

        string url = reference.EndsWith('/') ? reference : reference + "/";
        IReadOnlyList<StoreConnection> byUrl = await connections.FindByStoreBaseUrlAsync(url, cancellationToken).ConfigureAwait(false);
        if (byUrl.Count == 0 && Uri.TryCreate(url, UriKind.Absolute, out Uri? parsed))
        {
            // Stored URLs are normalised (lower-case scheme and host); the reference may not be.
            byUrl = await connections.FindByStoreBaseUrlAsync(parsed.AbsoluteUri, cancellationToken).ConfigureAwait(false);
        }

        return byUrl.LastOrDefault(s => s.Status == StoreStatus.Active) ?? (byUrl.Count > 0 ? byUrl[^1] : null);
    }
}
