using MagentoOAuth.Exchange;
using MagentoOAuth.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers MagentoOAuth with <c>IHttpClientFactory</c>.</summary>
public static class MagentoOAuthHttpClientBuilderExtensions
{
    /// <summary>
    /// Signs every request of this client with OAuth 1.0a for Magento (or sends Bearer, if configured). Set the client's
    /// <c>BaseAddress</c> to the store's REST root, e.g. <c>https://shop.example.com/rest/</c>.
    /// </summary>
    /// <param name="builder">The client builder from <c>AddHttpClient</c>.</param>
    /// <param name="configure">Sets the credentials and options.</param>
    /// <returns>The builder.</returns>
    public static IHttpClientBuilder AddMagentoOAuth(this IHttpClientBuilder builder, Action<MagentoOAuthOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<MagentoOAuthOptions>(builder.Name)
            .Configure(configure)
            .Validate(Validates, "MagentoOAuthOptions are incomplete: set ConsumerKey, ConsumerSecret, AccessToken and AccessTokenSecret, or a CredentialsProvider.")
            .ValidateOnStart();
        return builder
            .ConfigurePrimaryHttpMessageHandler(NoRedirects)
            .AddHttpMessageHandler(services => new MagentoOAuthHandler(
                services.GetRequiredService<IOptionsMonitor<MagentoOAuthOptions>>().Get(builder.Name),
                services.GetService<TimeProvider>(),
                services.GetService<ILogger<MagentoOAuthHandler>>()));
    }

    /// <summary>
    /// Registers <see cref="MagentoTokenClient"/> as a typed client whose primary handler follows no redirects
    /// (a redirected OAuth request no longer matches its signature).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional signing options.</param>
    /// <returns>The client builder, to add resilience or logging.</returns>
    public static IHttpClientBuilder AddMagentoTokenClient(this IServiceCollection services, Action<MagentoTokenClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<MagentoTokenClientOptions> options = services.AddOptions<MagentoTokenClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services
            .AddHttpClient<MagentoTokenClient, MagentoTokenClient>(CreateTokenClient)
            .ConfigurePrimaryHttpMessageHandler(NoRedirects);
    }

    /// <summary>
    /// A redirected request loses its Authorization header (and its signature no longer matches the new URL), so Magento
    /// would answer as if to a guest. Following no redirects turns that into a clear error. Keeps any other settings
    /// of the primary handler (proxy, certificates).
    /// </summary>
    private static void NoRedirects(HttpMessageHandler handler, IServiceProvider services)
    {
        switch (handler)
        {
            case SocketsHttpHandler sockets:
                sockets.AllowAutoRedirect = false;
                break;
            case HttpClientHandler client:
                client.AllowAutoRedirect = false;
                break;
        }
    }

    private static bool Validates(MagentoOAuthOptions options)
    {
        try
        {
            options.Validate();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static MagentoTokenClient CreateTokenClient(HttpClient http, IServiceProvider provider) =>
        new(http,
            provider.GetRequiredService<IOptions<MagentoTokenClientOptions>>().Value,
            provider.GetService<TimeProvider>(),
            provider.GetService<ILogger<MagentoTokenClient>>());
}
