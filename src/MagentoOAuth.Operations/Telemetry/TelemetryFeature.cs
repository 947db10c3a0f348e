using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MagentoOAuth.Operations.Telemetry;

/// <summary>The admin listener's telemetry feature: its services and its endpoints (placeholder until it lands).</summary>
internal static class TelemetryFeature
{
    public static void AddServices(IServiceCollection services) => ArgumentNullException.ThrowIfNull(services);

    public static void Map(RouteGroupBuilder admin) => ArgumentNullException.ThrowIfNull(admin);
}
