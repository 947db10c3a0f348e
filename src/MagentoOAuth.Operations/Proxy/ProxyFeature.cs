using MagentoOAuth.Operations.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations.Proxy;

/// <summary>
/// The signing proxy: <c>/proxy/{STORE}/rest/…</c> on the admin listener, every method, forwarded with YARP's
/// <see cref="Yarp.ReverseProxy.Forwarder.IHttpForwarder"/> to <c>{storeBaseUrl}rest/…</c>, signed with the store's
/// current credentials, for callers that hold nothing but an API key.
/// </summary>
internal static class ProxyFeature
{
    public const string Pattern = "/proxy/{store}/{**path}";

    public static void AddServices(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHttpForwarder();
        services.AddMetrics();

        // YARP logs every forwarded URL, query included, at Information: the proxy logs its own lines, without queries.
        services.AddLogging(logging => logging.AddFilter("Yarp", LogLevel.Warning));
        services.TryAddSingleton<ProxyStores>();
        services.TryAddSingleton<ProxyInvokers>();
        services.TryAddSingleton<ProxyMetrics>();
        services.TryAddSingleton<ProxyEndpoint>();
    }

    public static void Map(RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        admin.Map(Pattern, context => context.RequestServices.GetRequiredService<ProxyEndpoint>().HandleAsync(context))
            .RequireAuthorization(MagentoAdminDefaults.ProxyPolicy)
            .DisableAntiforgery();
    }
}
