using MagentoOAuth.AspNetCore;
using MagentoOAuth.AspNetCore.Clients;
using MagentoOAuth.AspNetCore.Endpoints.Callback;
using MagentoOAuth.AspNetCore.Endpoints.IdentityLink;
using MagentoOAuth.AspNetCore.Exchange;
using MagentoOAuth.AspNetCore.Health;
using MagentoOAuth.AspNetCore.Health.Checks;
using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.AspNetCore.Network;
using MagentoOAuth.AspNetCore.Resilience;
using MagentoOAuth.AspNetCore.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers and maps the Magento integration endpoint.</summary>
public static class MagentoIntegrationExtensions
{
    /// <summary>
    /// Adds the integration endpoint's services: the connection lifecycle, the exchange worker, the token client,
    /// per-store clients. Register storage too (<c>AddMagentoSqliteStorage</c>, <c>AddMagentoPostgreSqlStorage</c> or <c>AddMagentoStorage</c>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Options.</param>
    public static IServiceCollection AddMagentoIntegration(this IServiceCollection services, Action<MagentoIntegrationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<MagentoIntegrationOptions>().Configure(o => configure?.Invoke(o)).ValidateOnStart();
        return AddServices(services);
    }

    /// <summary>Adds the integration endpoint's services with options bound from <paramref name="configuration"/> (e.g. the "Magento" section).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section with <see cref="MagentoIntegrationOptions"/>'s properties.</param>
    public static IServiceCollection AddMagentoIntegration(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MagentoIntegrationOptions>().Bind(configuration).ValidateOnStart();
        return AddServices(services);
    }

    private static IServiceCollection AddServices(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MagentoIntegrationOptions>, MagentoIntegrationOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddAntiforgery();
        services.TryAddSingleton<StoreAddressResolver>();
        services.TryAddSingleton<StoreConnectGuard>();
        services.TryAddSingleton<CallbackLimiter>();

        // Every connection to a store, from the exchange and from per-store clients, is checked when it is made.
        services.AddMagentoTokenClient()
            .ConfigureHttpClient((provider, client) => client.Timeout = provider.GetRequiredService<IOptions<MagentoIntegrationOptions>>().Value.RequestTimeout)
            .AddHttpMessageHandler(() => new StoreHttpVersionHandler())
            .ConfigurePrimaryHttpMessageHandler((handler, provider) => provider.GetRequiredService<StoreConnectGuard>().Apply(handler));
        services.AddHttpClient(MagentoClientFactory.HandlerName)
            .AddHttpMessageHandler(() => new StoreHttpVersionHandler())
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .ConfigurePrimaryHttpMessageHandler((handler, provider) => provider.GetRequiredService<StoreConnectGuard>().Apply(handler));
        services.TryAddSingleton<ConnectionLifecycle>();
        services.TryAddSingleton<ConnectionCredentialsCache>();
        services.TryAddSingleton<StoreResilience>();
        services.TryAddSingleton<MagentoClientFactory>();
        services.TryAddSingleton<IMagentoClientFactory>(p => p.GetRequiredService<MagentoClientFactory>());
        services.TryAddSingleton<ExchangeQueue>();
        services.TryAddSingleton<ExchangeLease>();
        services.TryAddSingleton<ExchangeSteps>();
        services.TryAddSingleton(p => new ExchangeRetryPolicy(p.GetRequiredService<IOptions<MagentoIntegrationOptions>>()));
        services.TryAddSingleton<ExchangeWorker>();
        services.AddHostedService(p => p.GetRequiredService<ExchangeWorker>());
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("database", tags: [MagentoHealthCheckExtensions.Tag])
            .AddCheck<KeyRingHealthCheck>("key-ring", tags: [MagentoHealthCheckExtensions.Tag])
            .AddCheck<ExchangeWorkerHealthCheck>("exchange-worker", tags: [MagentoHealthCheckExtensions.Tag]);
        services.TryAddSingleton<StoreHealthTracker>();
        services.TryAddSingleton<IStoreHealthMonitor>(p => p.GetRequiredService<StoreHealthTracker>());
        services.TryAddSingleton<IStoreCallRecorder>(p => p.GetRequiredService<StoreHealthTracker>());
        services.AddHostedService<StoreHealthWriter>();
        services.TryAddSingleton<StoreCountsGauge>();
        services.AddHostedService(p => p.GetRequiredService<StoreCountsGauge>());
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
