using System.Collections.Concurrent;
using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Errors;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.AspNetCore.Clients;

/// <summary>
/// The current credentials of each connection clients use, so a signed call costs no database read: an active
/// connection is kept for <see cref="MagentoIntegrationOptions.CredentialCacheDuration"/>; changes made in this process
/// replace it at once (<see cref="ConnectionLifecycle"/> reports them), and a token Magento refuses is re-read at
/// once (<see cref="RevocationHandler"/>), which covers changes made by other instances.
/// </summary>
internal sealed class ConnectionCredentialsCache
{
    private readonly ConcurrentDictionary<Guid, (StoreConnection Connection, DateTimeOffset Until)> _entries = new();
    private readonly IConnectionStore _connections;
    private readonly TimeProvider _time;
    private readonly TimeSpan _duration;

    public ConnectionCredentialsCache(IConnectionStore connections, ConnectionLifecycle lifecycle, IOptions<MagentoIntegrationOptions> options, TimeProvider time)
    {
        _connections = connections;
        _time = time;
        _duration = options.Value.CredentialCacheDuration;
        lifecycle.Changed += Remember;
    }

    /// <summary>The connection if it is active; otherwise the exception that says why the request was not sent.</summary>
    public async ValueTask<StoreConnection> GetActiveAsync(Guid id, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(id, out var entry) && entry.Until > _time.GetUtcNow() && entry.Connection.Status == StoreStatus.Active)
        {
            return entry.Connection;
        }

        StoreConnection connection = await RefreshAsync(id, cancellationToken)
            ?? throw new MagentoOAuthException(MagentoProblem.ConnectionNotActive, null, null,
                $"No stored connection has the id {id}: it was removed, or never existed.", "List the connections ('magento-oauth stores list') and use a current id.");
        return connection is { Status: StoreStatus.Active, Unreadable: false } ? connection : throw NotActive(connection);
    }

    /// <summary>The connection in any status: as kept while its entry is fresh, else read again; null when there is none.</summary>
    public async ValueTask<StoreConnection?> GetCurrentAsync(Guid id, CancellationToken cancellationToken) =>
        _entries.TryGetValue(id, out var entry) && entry.Until > _time.GetUtcNow() ? entry.Connection : await RefreshAsync(id, cancellationToken);

    /// <summary>The connection as last seen (any status), reading storage only when it was never seen.</summary>
    public async ValueTask<StoreConnection?> GetKnownAsync(Guid id, CancellationToken cancellationToken) =>
        _entries.TryGetValue(id, out var entry) ? entry.Connection : await RefreshAsync(id, cancellationToken);

    /// <summary>Reads the connection from storage and keeps it.</summary>
    public async ValueTask<StoreConnection?> RefreshAsync(Guid id, CancellationToken cancellationToken)
    {
        StoreConnection? connection = await _connections.FindAsync(id, cancellationToken);
        if (connection is null)
        {
            _entries.TryRemove(id, out _);
        }
        else
        {
            Remember(connection);
        }

        return connection;
    }

    private void Remember(StoreConnection connection) =>
        _entries.AddOrUpdate(connection.Id, (connection, _time.GetUtcNow() + _duration),
            (_, old) => old.Connection.Version > connection.Version ? old : (connection, _time.GetUtcNow() + _duration));

    public static MagentoOAuthException NotActive(StoreConnection c) => c switch
    {
        { Unreadable: true } => new MagentoOAuthException(MagentoProblem.ConnectionNotActive, null, null,
            $"The connection to {c.StoreBaseUrl} cannot be decrypted: it was stored under another encryption key, or altered.",
            "Start the app with the key the database was created with; otherwise the merchant must click Reauthorize."),
        _ => NotActiveByStatus(c),
    };

    private static MagentoOAuthException NotActiveByStatus(StoreConnection c) => c.Status switch
    {
        StoreStatus.Pending or StoreStatus.Exchanging => new MagentoOAuthException(MagentoProblem.ConnectionNotActive, null, null,
            $"The connection to {c.StoreBaseUrl} is {Word(c.Status)}: Magento posted new credentials (an activation or Reauthorize) and the token exchange has not finished.",
            "Wait a few seconds and send the request again; the exchange usually finishes within a second."),
        StoreStatus.Failed => new MagentoOAuthException(MagentoProblem.ConnectionNotActive, null, null,
            $"The connection to {c.StoreBaseUrl} failed: {c.StatusReason}",
            "Ask the merchant to click Reauthorize on the integration in the Magento admin (System › Extensions › Integrations)."),
        StoreStatus.Superseded => new MagentoOAuthException(MagentoProblem.ConnectionNotActive, null, null,
            $"The connection to {c.StoreBaseUrl} was superseded by a newer integration for the same store (connection {c.SupersededBy}).",
            $"Use the newer connection {c.SupersededBy}."),
        _ => new MagentoOAuthException(MagentoProblem.ConnectionNotActive, null, null,
            $"The connection to {c.StoreBaseUrl} is revoked: {c.StatusReason}",
            "Ask the merchant to click Reauthorize (or Activate a new integration) in the Magento admin."),
    };

    private static string Word(StoreStatus status) => status.ToString().ToLowerInvariant();
}
