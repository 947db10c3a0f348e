using MagentoOAuth.Operations.Admin;
using MagentoOAuth.Operations.Dashboard;
using MagentoOAuth.Operations.Proxy;
using MagentoOAuth.Operations.Telemetry;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the admin listener and keeps it apart from the public endpoint.</summary>
public static class MagentoOperationsEndpointExtensions
{
    /// <summary>
    /// Serves admin endpoints only on connections to <paramref name="adminPort"/>, and the public endpoint never there
    /// (endpoints marked <see cref="AnyListenerMetadata"/>, such as <c>/healthz</c>, on both). Call after routing,
    /// before authentication.
    /// </summary>
    /// <param name="app">The app.</param>
    /// <param name="adminPort">The admin listener's port.</param>
    public static IApplicationBuilder UseMagentoAdminListener(this IApplicationBuilder app, int adminPort)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentOutOfRangeException.ThrowIfLessThan(adminPort, 1);
        return AdminListenerGuard.Use(app, adminPort);
    }

    /// <summary>Maps the admin endpoints: the dashboard at <c>/</c>, the signing proxy at <c>/proxy/{store}/rest/…</c>, <c>/metrics</c>.</summary>
    /// <param name="endpoints">The app.</param>
    public static RouteGroupBuilder MapMagentoAdmin(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        RouteGroupBuilder admin = endpoints.MapGroup(string.Empty).WithMetadata(AdminListenerMetadata.Instance);
        ProxyFeature.Map(admin);
        DashboardFeature.Map(admin);
        TelemetryFeature.Map(admin);
        return admin;
    }
}
