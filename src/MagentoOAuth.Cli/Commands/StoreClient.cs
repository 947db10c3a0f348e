using MagentoOAuth.AspNetCore.Clients;
using MagentoOAuth.Http;
using MagentoOAuth.Signing;
using MagentoOAuth.Storage;

namespace MagentoOAuth.Cli.Commands;

/// <summary>A signed client for one store from the command line (no DI container): signing, revocation detection, no redirects.</summary>
internal static class StoreClient
{
    public static HttpClient Create(StoreConnection store, ICredentialStore credentials) =>
        Create(new Uri(store.StoreBaseUrl), store.AccessCredentials ?? throw new CliUsageException($"the store {store.StoreBaseUrl} has no access token (status {store.Status.ToString().ToLowerInvariant()})."),
            store.Profile, new RevocationHandler(credentials, store.Id, TimeProvider.System) { InnerHandler = new ProfileFallbackHandler(credentials, store.Id, store.Profile) });

    public static HttpClient Create(Uri storeBaseUrl, OAuthCredentials credentials, SignatureProfile profile = SignatureProfile.Rfc5849, DelegatingHandler? outer = null)
    {
        var signing = new MagentoOAuthHandler(new MagentoOAuthOptions { CredentialsProvider = (_, _) => ValueTask.FromResult(credentials), Profile = profile })
        {
            InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = false },
        };
        HttpMessageHandler handler = signing;
        if (outer is not null)
        {
            // The outer chain's innermost handler gets the signing handler.
            DelegatingHandler innermost = outer;
            while (innermost.InnerHandler is DelegatingHandler next)
            {
                innermost = next;
            }

            innermost.InnerHandler = signing;
            handler = outer;
        }

        return new HttpClient(handler) { BaseAddress = new Uri(storeBaseUrl, "rest/"), Timeout = TimeSpan.FromSeconds(60) };
    }
}
