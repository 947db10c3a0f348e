using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MagentoOAuth.Operations.Dashboard;

/// <summary>The admin listener's dashboard feature: its services and its endpoints (placeholder until it lands).</summary>
internal static class DashboardFeature
{
    public static void AddServices(IServiceCollection services) => ArgumentNullException.ThrowIfNull(services);

    public static void Map(RouteGroupBuilder admin) => ArgumentNullException.ThrowIfNull(admin);
}
