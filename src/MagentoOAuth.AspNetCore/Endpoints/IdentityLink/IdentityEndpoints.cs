using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.AspNetCore.Network;
using MagentoOAuth.AspNetCore.Pages;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.AspNetCore.Endpoints.IdentityLink;

/// <summary>
/// The Identity Link URL, opened by Magento as <c>…?oauth_consumer_key=…&amp;success_call_back=…</c>
/// (I/view/adminhtml/web/js/integration.js). The exchange never waits for this page: it started when the callback arrived.
/// </summary>
internal static class IdentityEndpoints
{
    public static async Task PageAsync(HttpContext context, string prefix)
    {
        string key = context.Request.Query["oauth_consumer_key"].ToString();
        string back = context.Request.Query["success_call_back"].ToString();
        if (!IsKey(key) || back.Length == 0)
        {
            await HtmlAsync(context, 400, IdentityPage.Message("This link is incomplete", "Open this page from the Magento admin (System › Extensions › Integrations › Activate)."));
            return;
        }

        StoreConnection? store = await context.RequestServices.GetRequiredService<IConnectionStore>().FindByConsumerKeyAsync(key, context.RequestAborted);
        AntiforgeryTokenSet tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        string statusUrl = prefix + MagentoIntegrationDefaults.IdentityPath + "/status?oauth_consumer_key=" + Uri.EscapeDataString(key);
        string nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

        // Confirm's redirect goes to the store's admin, and browsers apply form-action to a form's redirects too.
        string storeOrigin = store is not null && Uri.TryCreate(store.StoreBaseUrl, UriKind.Absolute, out Uri? storeUrl) ? " " + storeUrl.GetLeftPart(UriPartial.Authority) : string.Empty;
        context.Response.Headers.ContentSecurityPolicy =
            $"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; connect-src 'self'; form-action 'self'{storeOrigin}; frame-ancestors 'none'; base-uri 'none'";
        await HtmlAsync(context, 200, IdentityPage.Render(store, key, back, prefix + MagentoIntegrationDefaults.IdentityPath, statusUrl, tokens.FormFieldName, tokens.RequestToken ?? string.Empty, nonce));
    }

    public static async Task StatusAsync(HttpContext context)
    {
        string key = context.Request.Query["oauth_consumer_key"].ToString();
        StoreConnection? store = IsKey(key) ? await context.RequestServices.GetRequiredService<IConnectionStore>().FindByConsumerKeyAsync(key, context.RequestAborted) : null;
        context.Response.Headers.CacheControl = "no-store";
        if (store is null)
        {
            context.Response.StatusCode = 404;
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(new JsonObject
        {
            ["status"] = IdentityPage.StatusClass(store.Status),
            ["step"] = store.Step.ToString(),
            ["text"] = IdentityPage.StatusText(store),
        }.ToJsonString(), context.RequestAborted);
    }

    /// <summary>
    /// Confirm: links the store to the app's account (<see cref="MagentoIntegrationEvents.OnLinkAccount"/>) and sends the
    /// merchant back to <c>success_call_back</c>, but only if that URL is on the store's own host (no open redirect).
    /// </summary>
    public static async Task ConfirmAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            await HtmlAsync(context, 400, IdentityPage.Message("Please try again", "Confirm is sent by this page's form. Reopen it from the Magento admin."));
            return;
        }

        IFormCollection form;
        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is AntiforgeryValidationException or InvalidDataException or BadHttpRequestException)
        {
            await HtmlAsync(context, 400, IdentityPage.Message("Please try again", "This form expired or did not come from this page. Reopen it from the Magento admin."));
            return;
        }

        string key = form["oauth_consumer_key"].ToString();
        string back = form["success_call_back"].ToString();
        if (ReturnAddress(back) is not { } returnTo)
        {
            // Checked before anything is linked: a value that cannot go in a Location header is refused, not a 500 later.
            await HtmlAsync(context, 400, IdentityPage.Message("Not returning there", "The return address is not an absolute http(s) URL without control characters."));
            return;
        }

        IServiceProvider services = context.RequestServices;
        StoreConnection? store = IsKey(key) ? await services.GetRequiredService<IConnectionStore>().FindByConsumerKeyAsync(key, context.RequestAborted) : null;
        if (store is null)
        {
            await HtmlAsync(context, 404, IdentityPage.Message("Unknown store", "We have no credentials for this integration. Click Activate in the Magento admin."));
            return;
        }

        if (!BelongsToStore(returnTo, store.StoreBaseUrl))
        {
            await HtmlAsync(context, 400, IdentityPage.Message("Not returning there", "The return address is not on this store's host, so we do not redirect to it."));
            return;
        }

        // The consumer key in this page's URL is not secret: an account is linked only soon after Magento posted the
        // credentials, and once per activation, so a leaked Identity Link URL cannot be used to take the store over.
        MagentoIntegrationOptions options = services.GetRequiredService<IOptions<MagentoIntegrationOptions>>().Value;
        DateTimeOffset now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (now > store.ReceivedAt + options.AccountLinkWindow)
        {
            await HtmlAsync(context, 403, IdentityPage.Message("This link has expired",
                $"An account can be linked only within {options.AccountLinkWindow.TotalMinutes:0} minutes after the integration is activated. " +
                "Click Reauthorize on the integration in the Magento admin (System › Extensions › Integrations) to link it again."));
            return;
        }

        var link = new LinkAccountContext(context, store);
        await options.Events.OnLinkAccount(link);
        if (link.Handled)
        {
            return;
        }

        if (link.AccountId is not null)
        {
            LinkResult linked = await services.GetRequiredService<ConnectionLifecycle>().LinkAccountAsync(store.Id, link.AccountId, context.RequestAborted);
            if (linked is LinkResult.LinkedToAnotherAccount or LinkResult.WindowClosed or LinkResult.UnknownConnection)
            {
                await HtmlAsync(context, 403, IdentityPage.Message("Not linked",
                    linked == LinkResult.LinkedToAnotherAccount
                        ? "This activation was already linked to another account. To link the store to a different account, click Reauthorize on the integration in the Magento admin."
                        : "This link has expired or the integration is gone. Click Reauthorize on the integration in the Magento admin."));
                return;
            }
        }

        // The store URL came from an unauthenticated callback; only once Magento issued its tokens (the exchange reached
        // the access token) is it known to be a store, so only then is the merchant sent to it.
        if (store.Step < ExchangeStep.AccessToken)
        {
            await HtmlAsync(context, 200, IdentityPage.Message("Done", "You can close this window and return to the Magento admin."));
            return;
        }

        context.Response.Redirect(Location(returnTo), permanent: false);
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
    }

    /// <summary>The return address as a URL that can go in a Location header (absolute http(s), no control characters), or null.</summary>
    internal static Uri? ReturnAddress(string text) =>
        text.Length is > 0 and <= 2048 && !text.Any(char.IsControl)
        && Uri.TryCreate(text, UriKind.Absolute, out Uri? url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp) && StoreAddressResolver.AsciiHostOf(url) is { Length: > 0 }
            ? url
            : null;

    /// <summary>The URL in ASCII for a Location header: the host in punycode, path and query escaped.</summary>
    private static string Location(Uri url) =>
        $"{url.Scheme}://{(url.HostNameType == UriHostNameType.IPv6 ? url.Host : url.IdnHost)}{(url.IsDefaultPort ? string.Empty : ":" + url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))}{url.PathAndQuery}{url.Fragment}";

    internal static bool BelongsToStore(Uri target, string storeBaseUrl) =>
        Uri.TryCreate(storeBaseUrl, UriKind.Absolute, out Uri? store)
        && string.Equals(target.Scheme, store.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(target.IdnHost, store.IdnHost, StringComparison.OrdinalIgnoreCase)
        && target.Port == store.Port && target.UserInfo.Length == 0;

    private static bool IsKey(string key) => key.Length == 32 && key.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c));

    private static Task HtmlAsync(HttpContext context, int status, string html)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        IHeaderDictionary headers = context.Response.Headers;
        if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
        {
            // Message pages have no style, script or form.
            headers.ContentSecurityPolicy = "default-src 'none'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
        }

        // The page URL holds the consumer key: no Referer carries it to the store or anywhere else.
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        return context.Response.WriteAsync(html, context.RequestAborted);
    }
}
