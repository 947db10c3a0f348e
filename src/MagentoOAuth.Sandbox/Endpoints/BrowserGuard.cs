using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace MagentoOAuth.Sandbox.Endpoints;

/// <summary>
/// The sandbox is a dev tool on the developer's machine, and any web page their browser opens can send it requests:
/// a form post or a <c>text/plain</c> fetch needs no CORS preflight, and a DNS name the attacker controls can rebind to
/// 127.0.0.1 so that even the browser's same-origin rule lets the page read the answers. So:
/// <list type="bullet">
/// <item>every request must name the sandbox by an IP literal or <c>localhost</c> (or a host listed in
/// <see cref="SandboxOptions.AllowedHosts"/>) and the port it was received on: a rebound name never matches (421);</item>
/// <item>the scriptable API takes bodies only as <c>application/json</c>, which a page cannot send cross-site without a
/// preflight the sandbox never answers (415), and refuses requests a browser marks as cross-site (<c>Sec-Fetch-Site</c>,
/// or an <c>Origin</c> that is not the sandbox's own) that would change state, such as a bodiless activate (403).</item>
/// </list>
/// The admin's forms carry antiforgery tokens (<see cref="AdminEndpoints"/>). Tools (curl, test clients, the CLI) send
/// neither <c>Origin</c> nor <c>Sec-Fetch-*</c>, so they are not affected.
/// </summary>
internal static class BrowserGuard
{
    public static async Task InvokeAsync(HttpContext context, SandboxOptions options, Func<Task> next)
    {
        if (!IsOwnHost(context, options))
        {
            await Respond.Text(context, StatusCodes.Status421MisdirectedRequest, "text/plain; charset=utf-8",
                $"This sandbox answers only requests for localhost, an IP address, or a host listed with --allow-host, on port {context.Connection.LocalPort}; " +
                $"the request named '{Printable(context.Request.Host.Value)}'.");
            return;
        }

        if (context.Request.Path.StartsWithSegments("/sandbox/api") && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            if (IsCrossSite(context))
            {
                await Respond.ApiError(context, StatusCodes.Status403Forbidden, "The sandbox API refuses requests from web pages of other sites; call it from a tool or a test.");
                return;
            }

            if (HasBody(context) && !IsJson(context.Request.ContentType))
            {
                await Respond.ApiError(context, StatusCodes.Status415UnsupportedMediaType, "Send the body as application/json.");
                return;
            }
        }

        await next();
    }

    private static bool IsOwnHost(HttpContext context, SandboxOptions options)
    {
        HostString host = context.Request.Host;
        if (!host.HasValue)
        {
            return false;
        }

        int port = host.Port ?? (context.Request.IsHttps ? 443 : 80);
        if (port != context.Connection.LocalPort)
        {
            return false;
        }

        string name = host.Host.Trim('[', ']');
        return string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase)
            || IPAddress.TryParse(name, out _)
            || options.AllowedHosts.Any(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsCrossSite(HttpContext context)
    {
        string site = context.Request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return true;
        }

        string origin = context.Request.Headers.Origin.ToString();
        return origin.Length > 0 && !string.Equals(origin, $"{context.Request.Scheme}://{context.Request.Host.Value}", StringComparison.OrdinalIgnoreCase);
    }

    // The server's own answer (Content-Length, chunked, or an HTTP/2 stream that is not ended), not a guess from headers.
    private static bool HasBody(HttpContext context) =>
        context.Request.ContentLength > 0
        || (context.Request.ContentLength is null && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? type)
        && (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    private static string Printable(string? text) =>
        new((text ?? string.Empty).Take(100).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
