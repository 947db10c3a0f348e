using MagentoOAuth.AspNetCore.Clients;
using MagentoOAuth.Http;
using MagentoOAuth.Signing;
using MagentoOAuth.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Cli.Commands;

/// <summary>Signed clients from the command line, built with the library's public API as an app would.</summary>
internal static class StoreClient
{
    /// <summary>
    /// The library's per-store client (<see cref="IMagentoClientFactory"/>): current credentials, revocation detection,
    /// the signer-profile fallback, no redirects. Dispose the provider when done.
    /// </summary>
    public static (HttpClient Client, ServiceProvider Services) Create(StoreConnection store, ICredentialStore credentials)
    {
        ServiceProvider services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddMagentoStorage(credentials)
            // A store whose URL names a private address outright (a local Magento, the sandbox) was accepted by an
            // operator who allowed private stores. A store with a DNS name may have been registered by a stranger's
            // forged callback and rebind later, so its connections are checked as the endpoint's are.
            .AddMagentoIntegration(o =>
            {
                o.RequestTimeout = TimeSpan.FromSeconds(60);
                o.AllowPrivateStores = NamesAddressOutright(store.StoreBaseUrl);
            })
            .BuildServiceProvider();
        return (services.GetRequiredService<IMagentoClientFactory>().CreateClient(store), services);
    }

    private static bool NamesAddressOutright(string storeBaseUrl) =>
        Uri.TryCreate(storeBaseUrl, UriKind.Absolute, out Uri? url)
        && (url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || url.IsLoopback);

    /// <summary>A client signing with fixed credentials (to check a manual integration's four values before they are stored).</summary>
    public static HttpClient Create(Uri storeBaseUrl, OAuthCredentials credentials)
    {
        var signing = new MagentoOAuthHandler(new MagentoOAuthOptions { CredentialsProvider = (_, _) => ValueTask.FromResult(credentials) })
        {
            InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = false },
        };
        return new HttpClient(signing) { BaseAddress = new Uri(storeBaseUrl, "rest/"), Timeout = TimeSpan.FromSeconds(60) };
    }
}
