using MagentoOAuth.AspNetCore.Health;
using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.AspNetCore.Resilience;
using MagentoOAuth.Http;
using MagentoOAuth.Signing;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.AspNetCore.Clients;

/// <summary>
/// Builds per-store clients over IHttpClientFactory's pooled handlers: <see cref="StoreHealthHandler"/> (each call's
/// outcome to the store's health) → <see cref="ConnectionHandler"/> (current credentials, refused at once when not
/// active) → the store's resilience pipeline (<see cref="StoreResilience"/>) → <see cref="RevocationHandler"/> →
/// <see cref="ProfileFallbackHandler"/> → <see cref="MagentoOAuthHandler"/> (signing) → the pooled connection; listed in
/// <see cref="CreateHandler"/>.
/// </summary>
internal sealed class MagentoClientFactory(
    IHttpMessageHandlerFactory handlers,
    ConnectionCredentialsCache cache,
    ConnectionLifecycle lifecycle,
    StoreResilience resilience,
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

    private HttpClient Create(Uri storeBaseUrl, Guid connectionId) =>
        new(new ResilienceErrorHandler(resilience, connectionId) { InnerHandler = CreateHandler(connectionId, portableRequests: true) })
        {
            BaseAddress = new Uri(storeBaseUrl, "rest/"),
            Timeout = options.Value.RequestTimeout,
        };

    /// <summary>
    /// The handler chain of a store's signed calls, shared by the clients and the signing proxy. The one place where the
    /// handlers are listed, outermost first.
    /// </summary>
    /// <param name="connectionId">The connection.</param>
    /// <param name="portableRequests">
    /// Rewrite URLs into the form every signer generation reads alike (clients); the proxy sends what its caller sent,
    /// byte for byte, and signs it with the connection's profile.
    /// </param>
    internal HttpMessageHandler CreateHandler(Guid connectionId, bool portableRequests)
    {
        var signing = new MagentoOAuthHandler(
            new MagentoOAuthOptions
            {
                CredentialsProvider = (request, _) => ValueTask.FromResult(ConnectionRequest.CredentialsOf(request)),
                SignatureMethod = options.Value.SignatureMethod,
                PortableRequests = portableRequests,
            },
            time,
            loggers.CreateLogger<MagentoOAuthHandler>());
        DelegatingHandler[] chain =
        [
            // Each call's outcome (after retries) to the store's health; a refusal before any call is not counted.
            new StoreHealthHandler(health, connectionId, options.Value.RequestTimeout),

            // The connection's current credentials; refused at once when it is not active (no call with dead tokens).
            new ConnectionHandler(cache, connectionId),

            // The store's concurrency limit, retries and circuit: above the signing handler, so each attempt is signed anew.
            resilience.CreateHandler(connectionId),

            // A 401 for a token that is gone: newer tokens are read and the request sent once more, or the connection is revoked.
            new RevocationHandler(cache, lifecycle),

            // "The signature is invalid" for a request signer generations read differently: the other generations tried.
            new ProfileFallbackHandler(lifecycle),

            signing,
        ];

        // The pooled handler's Dispose is a no-op, so disposing a client never closes shared connections.
        HttpMessageHandler inner = handlers.CreateHandler(HandlerName);
        for (int i = chain.Length - 1; i >= 0; i--)
        {
            chain[i].InnerHandler = inner;
            inner = chain[i];
        }

        return inner;
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
