using System.Threading.RateLimiting;
using MagentoOAuth.Operations.Dashboard.Pages;
using MagentoOAuth.Operations.Keys;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations.Dashboard;

/// <summary><c>GET /signin</c>, <c>POST /signin</c> (an admin key starts a cookie session), <c>POST /signout</c>.</summary>
internal static class SignInEndpoints
{
    private const int MaxKeyLength = 200;

    // One wrong answer for every refused key: whether it exists, was revoked or is a proxy key is nobody's business here.
    private const string Refused = "That key was not accepted. Use an admin key of this server (keys of scope proxy cannot sign in).";

    public static async Task PageAsync(HttpContext context)
    {
        AuthenticateResult session = await context.AuthenticateAsync(MagentoAdminDefaults.CookieScheme).ConfigureAwait(false);
        string returnUrl = LocalPath(context.Request.Query["ReturnUrl"].ToString());
        if (session.Succeeded)
        {
            context.Response.Redirect(returnUrl);
            return;
        }

        await FormAsync(context, StatusCodes.Status200OK, returnUrl, null).ConfigureAwait(false);
    }

    public static async Task SignInAsync(HttpContext context)
    {
        ILogger logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("MagentoOAuth.Operations.Dashboard");
        string address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        SignInLimiter limiter = context.RequestServices.GetRequiredService<SignInLimiter>();
        if (limiter.IsLimited(address))
        {
            Log.SignInLimited(logger, address);
            context.Response.Headers.RetryAfter = "60";
            await FormAsync(context, StatusCodes.Status429TooManyRequests, "/", "Too many refused sign-ins from this address. Wait a minute, then try again.").ConfigureAwait(false);
            return;
        }

        if (!await DashboardHttp.FormIsValidAsync(context).ConfigureAwait(false))
        {
            await FormAsync(context, StatusCodes.Status400BadRequest, "/", "This form has expired. Please enter the key again.").ConfigureAwait(false);
            return;
        }

        IFormCollection form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        string returnUrl = LocalPath(form["returnUrl"].ToString());
        string presented = form["key"].ToString().Trim();
        ApiKey? key = presented.Length is > 0 and <= MaxKeyLength
            ? await context.RequestServices.GetRequiredService<ApiKeyService>().ValidateAsync(presented, context.RequestAborted).ConfigureAwait(false)
            : null;
        if (key is not { Scope: ApiKeyScope.Admin })
        {
            limiter.Refused(address);
            Log.SignInRefused(logger, address);
            await FormAsync(context, StatusCodes.Status401Unauthorized, returnUrl, Refused).ConfigureAwait(false);
            return;
        }

        await context.SignInAsync(MagentoAdminDefaults.CookieScheme, ApiKeyClaims.Principal(key, MagentoAdminDefaults.CookieScheme)).ConfigureAwait(false);
        Log.SignedIn(logger, key.Name, address);
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = returnUrl;
    }

    public static async Task SignOutAsync(HttpContext context)
    {
        if (!await DashboardHttp.FormIsValidAsync(context).ConfigureAwait(false))
        {
            DashboardHttp.BeginPage(context);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        await context.SignOutAsync(MagentoAdminDefaults.CookieScheme).ConfigureAwait(false);
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = "/signin";
    }

    private static Task FormAsync(HttpContext context, int status, string returnUrl, string? error)
    {
        string nonce = DashboardHttp.BeginPage(context);
        AntiforgeryTokenSet tokens = DashboardHttp.Tokens(context);
        return DashboardHttp.WriteAsync(context, status, SignInPage.Render(nonce, tokens.FormFieldName, tokens.RequestToken ?? string.Empty, returnUrl, error));
    }

    /// <summary>A path on this site to return to after signing in, never another site (<c>//host</c>, <c>/\host</c>, a URL).</summary>
    internal static string LocalPath(string? path) =>
        path is { Length: > 0 and <= 2000 } && path[0] == '/' && (path.Length == 1 || (path[1] != '/' && path[1] != '\\')) && !path.Any(char.IsControl)
            ? path
            : "/";
}

/// <summary>
/// Refused sign-ins per client address: after 10 in a minute, the address waits for the window to end. Keys cannot be
/// guessed anyway (256 bits); this keeps a script from loading the server and the log. Successes are not counted.
/// </summary>
internal sealed class SignInLimiter : IDisposable
{
    public const int RefusalsPerMinute = 10;

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions { PermitLimit = RefusalsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));

    public bool IsLimited(string address) => _limiter.GetStatistics(address) is { CurrentAvailablePermits: <= 0 };

    public void Refused(string address) => _limiter.AttemptAcquire(address).Dispose();

    public void Dispose() => _limiter.Dispose();
}
