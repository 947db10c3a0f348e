using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace MagentoOAuth.Sandbox.Endpoints;

/// <summary>
/// The web server in front of Magento (nginx or Apache), with the setups that break an integration and that a
/// diagnostic tool must recognise. In the order a web server applies them to a storefront request:
/// <list type="number">
/// <item><see cref="SandboxOptions.RedirectTo"/>: a <c>return 301</c> / <c>RewriteRule … [R=301]</c> to the canonical
/// scheme and host (http→https, non-www→www) runs before anything else (nginx's rewrite phase);</item>
/// <item><see cref="SandboxOptions.BasicAuth"/>: <c>auth_basic</c> / <c>AuthType Basic</c> on a staging store (nginx's
/// access phase, before any content);</item>
/// <item><c>/index.php/…</c>: PHP's PATH_INFO form, which reaches Magento's front controller with no rewrite rule; with
/// <see cref="SandboxOptions.RequireIndexPhp"/> the rewrite rules are missing, so the pretty paths are files that do not
/// exist (the web server's 404);</item>
/// <item><see cref="SandboxOptions.StripAuthorization"/>: Apache hands a CGI/FastCGI script no <c>Authorization</c>
/// header unless <c>CGIPassAuth On</c> (2.4.13+) or an <c>E=HTTP_AUTHORIZATION</c> rewrite (the workaround Magento's
/// .htaccess carries, which does nothing where .htaccess is not read, AllowOverride None).</item>
/// </list>
/// The sandbox's own paths (<c>/sandbox/api</c>, <c>/admin</c>) are not behind this front, so tests can script it.
/// Answers are the web server's own pages (nginx's), text/html, not Magento's JSON.
/// </summary>
internal static class WebServerFront
{
    public const string IndexPhp = "/index.php";

    private const string ViaIndexPhpKey = "MagentoOAuth.Sandbox.ViaIndexPhp";

    public static async Task InvokeAsync(HttpContext context, SandboxOptions options, Func<Task> next)
    {
        if (IsSandboxOwn(context.Request.Path))
        {
            await next();
            return;
        }

        StoreSwitches store = options.Switches; // one snapshot for the whole request
        if (store.RedirectTo is { } target && !IsAt(context, new Uri(target)))
        {
            context.Response.Headers.Location = target + RequestTarget(context)[1..]; // the target ends in '/', the request target starts with one
            await Page(context, StatusCodes.Status301MovedPermanently, "301 Moved Permanently");
            return;
        }

        if (store.BasicAuth is { } credentials && !CarriesBasic(context.Request.Headers.Authorization, credentials))
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"Staging\"";
            await Page(context, StatusCodes.Status401Unauthorized, "401 Authorization Required");
            return;
        }

        bool viaIndexPhp = TakeIndexPhp(context);
        if (store.RequireIndexPhp && !viaIndexPhp && IsMagentoRoute(context.Request.Path))
        {
            await Page(context, StatusCodes.Status404NotFound, "404 Not Found");
            return;
        }

        if (store.StripAuthorization)
        {
            context.Request.Headers.Remove(HeaderNames.Authorization);
        }

        await next();
    }

    /// <summary>
    /// The store's own path prefix (<c>/stores/{id}</c> with separate stores, else empty), without <c>/index.php</c>: the
    /// front controller is not part of the store's base URL.
    /// </summary>
    public static string StorePathBase(HttpContext context)
    {
        string pathBase = context.Request.PathBase.Value ?? string.Empty;
        return context.Items.ContainsKey(ViaIndexPhpKey) ? pathBase[..^IndexPhp.Length] : pathBase;
    }

    private static bool IsSandboxOwn(PathString path) => path.StartsWithSegments("/sandbox/api") || path.StartsWithSegments("/admin");

    // Magento's routes that the rewrite rules (…/index.php last) make reachable: webapi's rest, the oauth and
    // magento_version frontNames.
    private static bool IsMagentoRoute(PathString path) =>
        path.StartsWithSegments("/rest") || path.StartsWithSegments("/oauth") || path.StartsWithSegments("/magento_version");

    /// <summary>
    /// <c>/index.php/rest/V1/…</c> is Magento's front controller with PATH_INFO <c>/rest/V1/…</c>: the prefix moves to
    /// PathBase, so routing sees the same paths; RawRequest keeps the URL as requested, which is what Magento signs
    /// (<c>REQUEST_URI</c>, index.php included). Only as the raw request spells it (PHP's file name is case-sensitive),
    /// and never in front of the sandbox's own paths, which must stay behind <see cref="BrowserGuard"/>.
    /// </summary>
    private static bool TakeIndexPhp(HttpContext context)
    {
        PathString path = context.Request.Path;
        if (!path.StartsWithSegments(IndexPhp, StringComparison.Ordinal, out PathString rest) || IsSandboxOwn(rest))
        {
            return false;
        }

        string raw = RequestTarget(context);
        string pathBase = context.Request.PathBase.Value ?? string.Empty;
        if (!raw.StartsWith(pathBase + IndexPhp, StringComparison.Ordinal))
        {
            return false;
        }

        context.Request.PathBase = context.Request.PathBase.Add(IndexPhp);
        context.Request.Path = rest.HasValue ? rest : "/";
        context.Items[ViaIndexPhpKey] = true;
        return true;
    }

    // The request target as it arrived (origin form), so a redirect keeps the client's own encoding.
    private static string RequestTarget(HttpContext context)
    {
        string? raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return raw is not null && raw.StartsWith('/')
            ? raw
            : (context.Request.PathBase + context.Request.Path).ToUriComponent() + context.Request.QueryString.ToUriComponent();
    }

    private static bool IsAt(HttpContext context, Uri target)
    {
        HostString host = context.Request.Host;
        int port = host.Port ?? (context.Request.IsHttps ? 443 : 80);
        return string.Equals(context.Request.Scheme, target.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(host.Host, target.Host, StringComparison.OrdinalIgnoreCase)
            && port == target.Port;
    }

    /// <summary>
    /// RFC 7617: <c>Basic</c> (any case), then base64 of <c>user:password</c>. Compared through SHA-256 in constant
    /// time, so neither the content nor the length of the expected credentials shows in the timing.
    /// </summary>
    private static bool CarriesBasic(StringValues header, string credentials)
    {
        if (header.Count != 1 || header[0] is not { } value)
        {
            return false;
        }

        int space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0 || !value.AsSpan(0, space).Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromBase64String(value[(space + 1)..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(given), SHA256.HashData(Encoding.UTF8.GetBytes(credentials)));
    }

    /// <summary>nginx's built-in error page for <paramref name="title"/>, as it sends it (text/html, CRLF lines).</summary>
    private static Task Page(HttpContext context, int status, string title) =>
        Respond.Text(context, status, "text/html",
            $"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
}
