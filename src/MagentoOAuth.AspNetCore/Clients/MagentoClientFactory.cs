using MagentoOAuth.Http;
using MagentoOAuth.Signing;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.AspNetCore.Clients;

/// <summary>
/// Builds per-store clients over IHttpClientFactory's pooled handlers: signing (<see cref="MagentoOAuthHandler"/>), and
/// <see cref="RevocationHandler"/>, which marks the store revoked when Magento says its token no longer exists.
/// </summary>
internal sealed class MagentoClientFactory(
    IHttpMessageHandlerFactory handlers,
    ICredentialStore store,
    IOptions<MagentoIntegrationOptions> options,
    TimeProvider time,
    ILoggerFactory loggers) : IMagentoClientFactory
{
    public const string HandlerName = "MagentoOAuth.Store";

    public HttpClient CreateClient(StoreConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        OAuthCredentials credentials = connection.AccessCredentials
            ?? throw new InvalidOperationException($"The store {connection.StoreBaseUrl} has no access token yet (status {connection.Status}).");
        var signing = new MagentoOAuthHandler(
            new MagentoOAuthOptions
            {
                CredentialsProvider = (_, _) => ValueTask.FromResult(credentials),
                Profile = connection.Profile,
                SignatureMethod = options.Value.SignatureMethod,
            },
            time,
            loggers.CreateLogger<MagentoOAuthHandler>())
        {
            InnerHandler = handlers.CreateHandler(HandlerName),
        };

        // The pooled handler's Dispose is a no-op, so disposing this client never closes shared connections.
        var fallback = new ProfileFallbackHandler(store, connection.Id, connection.Profile) { InnerHandler = signing };
        return new HttpClient(new RevocationHandler(store, connection.Id, time) { InnerHandler = fallback })
        {
            BaseAddress = new Uri(new Uri(connection.StoreBaseUrl), "rest/"),
            Timeout = options.Value.RequestTimeout,
        };
    }
}
