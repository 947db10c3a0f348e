using MagentoOAuth.Http;

namespace MagentoOAuth.AspNetCore.Clients;

/// <summary>
/// The top of a per-store client: finds the connection's current credentials (cached), refuses at once when it is not
/// active, and hands the connection and its signer profile to the handlers below.
/// </summary>
internal sealed class ConnectionHandler(ConnectionCredentialsCache cache, Guid connectionId) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var connection = await cache.GetActiveAsync(connectionId, cancellationToken).ConfigureAwait(false);
        request.Options.Set(ConnectionRequest.Option, connection);
        if (!request.Options.TryGetValue(MagentoOAuthHandler.ProfileOption, out _))
        {
            request.Options.Set(MagentoOAuthHandler.ProfileOption, connection.Profile);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
