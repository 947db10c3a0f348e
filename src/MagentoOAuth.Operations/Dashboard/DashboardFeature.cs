using MagentoOAuth.Operations.Keys;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MagentoOAuth.Operations.Dashboard;

/// <summary>
/// The admin listener's dashboard: server-rendered HTML at <c>/</c> (stores), <c>/stores/{id}</c> (one store, Check now),
/// <c>/signin</c> and <c>/signout</c>. Works without JavaScript; every form carries an antiforgery token.
/// </summary>
internal static class DashboardFeature
{
    public static void AddServices(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAntiforgery();
        services.TryAddSingleton<StoreRows>();
        services.TryAddSingleton<StoreCheck>();
        services.TryAddSingleton<SignInLimiter>();
        DashboardSession.Configure(services);
    }

    public static void Map(RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        RouteGroupBuilder pages = admin.MapGroup(string.Empty);
        pages.MapGet("/signin", SignInEndpoints.PageAsync).AllowAnonymous();
        pages.MapPost("/signin", SignInEndpoints.SignInAsync).AllowAnonymous().WithMetadata(new RequireAntiforgeryTokenAttribute());
        pages.MapPost("/signout", SignInEndpoints.SignOutAsync).RequireAuthorization(MagentoAdminDefaults.AdminPolicy).WithMetadata(new RequireAntiforgeryTokenAttribute());
        pages.MapGet("/", StoreListEndpoint.HandleAsync).RequireAuthorization(MagentoAdminDefaults.AdminPolicy);
        pages.MapGet("/stores/{id:guid}", StorePageEndpoints.PageAsync).RequireAuthorization(MagentoAdminDefaults.AdminPolicy);
        pages.MapPost("/stores/{id:guid}/check", StorePageEndpoints.CheckAsync).RequireAuthorization(MagentoAdminDefaults.AdminPolicy).WithMetadata(new RequireAntiforgeryTokenAttribute());
    }
}
