using MagentoOAuth.AspNetCore.Health;
using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Http;
using MagentoOAuth.Signing;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.AspNetCore.Clients;

/// <summary>
/// Builds per-store clients over IHttpClientFactory's pooled handlers: <see cref="StoreHealthHandler"/> (each call's
/// outcome to the store's health) → <see cref="ConnectionHandler"/> (current credentials, refused at once when not active) → <see cref="RevocationHandler"/>
/// → <see cref="ProfileFallbackHandler"/> → <see cref="MagentoOAuthHandler"/> (signing) → the pooled connection.
/// </summary>
internal sealed class MagentoClientFactory(
    IHttpMessageHandlerFactory handlers,
    ConnectionCredentialsCache cache,
    ConnectionLifecycle lifecycle,
    IOptions<MagentoIntegrationOptions> options,
    TimeProvider time,
    ILoggerFactory loggers,
    IStoreCallRecorder health) : IMagentoClientFactory
{
    public const string HandlerName = "MagentoOAuth.Store";

    /// <summary>How much of the verification call's answer is read (a store's list of store views is a few kB).</summary>
    internal const int MaxVerificationAnswer = 1024 * 1024;

    public HttpClient CreateClient(StoreConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return Create(new Uri(connection.StoreBaseUrl), connection.Id);
    }

    public HttpClient CreateClient(Guid connectionId)
    {
        // The base address needs the store URL, which never changes for a connection: from the cache when it has been
        // seen, else read once (CreateClient is synchronous, as IHttpClientFactory's is).
        StoreConnection connection = cache.GetKnownAsync(connectionId, CancellationToken.None).AsTask().GetAwaiter().GetResult()
            ?? throw new ArgumentException($"No stored connection has the id {connectionId}.", nameof(connectionId));
        return Create(new Uri(connection.StoreBaseUrl), connectionId);
    }

    private HttpClient Create(Uri storeBaseUrl, Guid connectionId)
    {
        var signing = new MagentoOAuthHandler(
            new MagentoOAuthOptions
            {
                CredentialsProvider = (request, _) => ValueTask.FromResult(ConnectionRequest.Of(request).AccessCredentials!),
                SignatureMethod = options.Value.SignatureMethod,
            },
            time,
            loggers.CreateLogger<MagentoOAuthHandler>())
        {
            InnerHandler = handlers.CreateHandler(HandlerName),
        };

        // The pooled handler's Dispose is a no-op, so disposing this client never closes shared connections.
        HttpMessageHandler chain = new ConnectionHandler(cache, connectionId)
        {
            InnerHandler = new RevocationHandler(cache, lifecycle) { InnerHandler = new ProfileFallbackHandler(lifecycle) { InnerHandler = signing } },
        };
        chain = new StoreHealthHandler(health, connectionId, options.Value.RequestTimeout) { InnerHandler = chain };
        return new HttpClient(chain) { BaseAddress = new Uri(storeBaseUrl, "rest/"), Timeout = options.Value.RequestTimeout };
    }

    /// <summary>For the exchange's verification call: the tokens being verified, fixed, no revocation or fallback.</summary>
    internal HttpClient CreateVerificationClient(StoreConnection connection)
    {
        OAuthCredentials credentials = connection.AccessCredentials
            ?? throw new InvalidOperationException($"The connection {connection.Id} has no access token to verify.");
        var signing = new MagentoOAuthHandler(
            new MagentoOAuthOptions { CredentialsProvider = (_, _) => ValueTask.FromResult(credentials), Profile = connection.Profile, SignatureMethod = options.Value.SignatureMethod },
            time,
            loggers.CreateLogger<MagentoOAuthHandler>())
        {
            InnerHandler = handlers.CreateHandler(HandlerName),
        };
        return new HttpClient(signing) { BaseAddress = new Uri(new Uri(connection.StoreBaseUrl), "rest/"), Timeout = options.Value.RequestTimeout, MaxResponseContentBufferSize = MaxVerificationAnswer };
    }
}
