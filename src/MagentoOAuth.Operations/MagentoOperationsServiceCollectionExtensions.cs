using MagentoOAuth.Operations;
using MagentoOAuth.Operations.Dashboard;
using MagentoOAuth.Operations.Keys;
using MagentoOAuth.Operations.Proxy;
using MagentoOAuth.Operations.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the admin listener's features.</summary>
public static class MagentoOperationsServiceCollectionExtensions
{
    /// <summary>
    /// Adds API keys (Bearer and the dashboard's cookie session), the signing proxy, store health, the dashboard,
    /// and metrics (webhooks: <c>AddMagentoWebhooks</c>). Needs <c>AddMagentoIntegration</c> and a storage backend with API keys (the SQL ones).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Options.</param>
    public static IServiceCollection AddMagentoOperations(this IServiceCollection services, Action<MagentoOperationsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<MagentoOperationsOptions>().Configure(o => configure?.Invoke(o)).ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ApiKeyService>();
        services.TryAddSingleton<ApiKeyCache>();
        services.AddAuthentication(MagentoAdminDefaults.ApiKeyScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(MagentoAdminDefaults.ApiKeyScheme, null)
            .AddCookie(MagentoAdminDefaults.CookieScheme, o =>
            {
                o.Cookie.Name = "magento-oauth-admin";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.LoginPath = "/signin";
                o.LogoutPath = "/signout";
                o.AccessDeniedPath = "/signin";
            })
            .AddPolicyScheme(MagentoAdminDefaults.AdminScheme, "API key or dashboard session", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? MagentoAdminDefaults.ApiKeyScheme : MagentoAdminDefaults.CookieScheme);
        services.AddAuthorizationBuilder()
            .AddPolicy(MagentoAdminDefaults.ProxyPolicy, p => p.AddAuthenticationSchemes(MagentoAdminDefaults.ApiKeyScheme).RequireClaim(ApiKeyClaims.Scope, "proxy", "admin"))
            .AddPolicy(MagentoAdminDefaults.AdminPolicy, p => p.AddAuthenticationSchemes(MagentoAdminDefaults.AdminScheme).RequireClaim(ApiKeyClaims.Scope, "admin"));
        ProxyFeature.AddServices(services);
        DashboardFeature.AddServices(services);
        TelemetryFeature.AddServices(services);
        return services;
    }
}
