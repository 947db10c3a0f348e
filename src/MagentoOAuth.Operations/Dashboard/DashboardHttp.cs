using System.Security.Cryptography;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MagentoOAuth.Operations.Dashboard;

/// <summary>What every dashboard response does: its security headers, its form tokens, and writing the page.</summary>
internal static class DashboardHttp
{
    /// <summary>
    /// Sets the headers of a page and returns the nonce its one style and one script carry: nothing else runs or
    /// loads (no CDN, no inline handler), it cannot be framed, and pages with store data are never cached.
    /// </summary>
    public static string BeginPage(HttpContext context)
    {
        string nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        IHeaderDictionary headers = context.Response.Headers;
        headers.ContentSecurityPolicy =
            $"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XFrameOptions = "DENY"; // set before antiforgery, which would otherwise add SAMEORIGIN
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        return nonce;
    }

    /// <summary>The form token for this user's forms (stored in the antiforgery cookie as needed).</summary>
    public static AntiforgeryTokenSet Tokens(HttpContext context) => context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);

    /// <summary>
    /// Whether a POST carries a valid form token. <c>UseAntiforgery</c> checks the endpoints marked with
    /// <see cref="RequireAntiforgeryTokenAttribute"/>; without that middleware in the pipeline the check is made here,
    /// so no order of middleware leaves a form unprotected.
    /// </summary>
    public static async Task<bool> FormIsValidAsync(HttpContext context)
    {
        // The middleware's verdict first: reading the form of a request it refused throws.
        if (context.Features.Get<IAntiforgeryValidationFeature>() is { } checkedByMiddleware)
        {
            return checkedByMiddleware.IsValid && context.Request.HasFormContentType;
        }

        return context.Request.HasFormContentType && await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context).ConfigureAwait(false);
    }

    public static Task WriteAsync(HttpContext context, int status, string html)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(html, context.RequestAborted);
    }
}
