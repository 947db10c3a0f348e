using MagentoOAuth.Operations.Keys;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations.Dashboard;

/// <summary>
/// The cookie session lives only as long as its key: every request checks, with one indexed read, that the key still
/// exists with the admin scope (a revoked key ends its sessions at the next request, not when the cookie expires).
/// </summary>
internal static class DashboardSession
{
    public static void Configure(IServiceCollection services)
    {
        services.Configure<CookieAuthenticationOptions>(MagentoAdminDefaults.CookieScheme, o =>
        {
            Func<CookieValidatePrincipalContext, Task> earlier = o.Events.OnValidatePrincipal;
            o.Events.OnValidatePrincipal = async context =>
            {
                await earlier(context).ConfigureAwait(false);
                if (context.Principal is null)
                {
                    return;
                }

                string? keyId = context.Principal.FindFirst(ApiKeyClaims.KeyId)?.Value;
                IApiKeyStore keys = context.HttpContext.RequestServices.GetRequiredService<IApiKeyStore>();
                ApiKey? key = keyId is null ? null : await keys.FindApiKeyAsync(keyId, context.HttpContext.RequestAborted).ConfigureAwait(false);
                if (key is not { Scope: ApiKeyScope.Admin })
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(MagentoAdminDefaults.CookieScheme).ConfigureAwait(false);
                    ILogger logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("MagentoOAuth.Operations.Dashboard");
                    Log.SessionEnded(logger, keyId ?? "?");
                }
            };
        });
    }
}
