using MagentoOAuth.AspNetCore;
using MagentoOAuth.AspNetCore.Clients;
using MagentoOAuth.AspNetCore.Endpoints.Callback;
using MagentoOAuth.AspNetCore.Endpoints.IdentityLink;
using MagentoOAuth.AspNetCore.Exchange;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers and maps the Magento integration endpoint.</summary>
public static class MagentoIntegrationExtensions
{
    /// <summary>
    /// Adds the integration endpoint's services: the exchange worker, the token client, per-store clients. Register an
    /// <c>ICredentialStore</c> too (for example <c>SqliteCredentialStore</c>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Options.</param>
    public static IServiceCollection AddMagentoIntegration(this IServiceCollection services, Action<MagentoIntegrationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<MagentoIntegrationOptions>()
            .Configure(o => configure?.Invoke(o))
            .Validate(o => { o.Validate(); return true; })
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddAntiforgery();
        services.AddMagentoTokenClient()
            .ConfigureHttpClient((provider, client) => client.Timeout = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<MagentoIntegrationOptions>>().Value.RequestTimeout);
        services.AddHttpClient(MagentoClientFactory.HandlerName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.TryAddSingleton<IMagentoClientFactory, MagentoClientFactory>();
        services.TryAddSingleton<ExchangeQueue>();
        services.AddHostedService<ExchangeWorker>();
        return services;
    }

    /// <summary>
    /// Maps <c>{prefix}/callback</c> (Magento's Callback URL) and <c>{prefix}/identity</c> (its Identity Link URL).
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="prefix">The path prefix, <c>/magento</c> by default.</param>
    public static IEndpointConventionBuilder MapMagentoIntegration(this IEndpointRouteBuilder endpoints, string prefix = MagentoIntegrationDefaults.PathPrefix)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        prefix = "/" + prefix.Trim('/');
        RouteGroupBuilder group = endpoints.MapGroup(prefix);
        group.MapPost(MagentoIntegrationDefaults.CallbackPath, CallbackEndpoint.HandleAsync).DisableAntiforgery();
        group.MapGet(MagentoIntegrationDefaults.IdentityPath, context => IdentityEndpoints.PageAsync(context, prefix));
        group.MapGet(MagentoIntegrationDefaults.IdentityPath + "/status", IdentityEndpoints.StatusAsync);
        group.MapPost(MagentoIntegrationDefaults.IdentityPath, IdentityEndpoints.ConfirmAsync);
        return group;
    }
}
