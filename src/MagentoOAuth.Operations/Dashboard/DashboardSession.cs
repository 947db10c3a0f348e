using MagentoOAuth.Operations.Keys;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace MagentoOAuth.Operations.Dashboard;

/// <summary>
/// The cookie session's rules: it lives only as long as its key (checked on every request, one indexed read), and a
/// browser without one is sent to the sign-in page while API clients keep the JSON 401 of the Bearer scheme.
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

            // The admin policy challenges both schemes; only a browser page without an Authorization header is redirected,
            // and never after the Bearer scheme has answered.
            o.Events.OnRedirectToLogin = context => RedirectBrowser(context, context.RedirectUri);
            o.Events.OnRedirectToAccessDenied = context => RedirectBrowser(context, "/signin");
        });

        // The Bearer scheme hands its challenge on a dashboard page to the cookie scheme (a redirect to /signin);
        // authenticating and forbidding stay its own (a scheme forwarded to itself is handled by itself).
        services.Configure<AuthenticationSchemeOptions>(MagentoAdminDefaults.ApiKeyScheme, o =>
        {
            o.ForwardAuthenticate ??= MagentoAdminDefaults.ApiKeyScheme;
            o.ForwardForbid ??= MagentoAdminDefaults.ApiKeyScheme;
            Func<HttpContext, string?>? earlier = o.ForwardDefaultSelector;
            o.ForwardDefaultSelector = context => IsBrowserPage(context) ? MagentoAdminDefaults.CookieScheme : earlier?.Invoke(context);
        });
    }

    private static bool IsBrowserPage(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<DashboardPageMetadata>() is not null && !context.Request.Headers.ContainsKey(HeaderNames.Authorization);

    private static Task RedirectBrowser(RedirectContext<CookieAuthenticationOptions> context, string to)
    {
        if (IsBrowserPage(context.HttpContext) && !context.Response.HasStarted)
        {
            context.Response.Redirect(to);
        }

        return Task.CompletedTask;
    }
}
