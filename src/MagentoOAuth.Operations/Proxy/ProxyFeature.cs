using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MagentoOAuth.Operations.Proxy;

/// <summary>The admin listener's proxy feature: its services and its endpoints (placeholder until it lands).</summary>
internal static class ProxyFeature
{
    public static void AddServices(IServiceCollection services) => ArgumentNullException.ThrowIfNull(services);

    public static void Map(RouteGroupBuilder admin) => ArgumentNullException.ThrowIfNull(admin);
}
