using System.Text.Json.Nodes;
using MagentoOAuth.AspNetCore.Lifecycle;
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
        await HtmlAsync(context, 200, IdentityPage.Render(store, key, back, prefix + MagentoIntegrationDefaults.IdentityPath, statusUrl, tokens.FormFieldName, tokens.RequestToken ?? string.Empty));
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
        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            await HtmlAsync(context, 400, IdentityPage.Message("Please try again", "This form expired or did not come from this page. Reopen it from the Magento admin."));
            return;
        }

        IFormCollection form = await context.Request.ReadFormAsync(context.RequestAborted);
        string key = form["oauth_consumer_key"].ToString();
        string back = form["success_call_back"].ToString();
        IServiceProvider services = context.RequestServices;
        StoreConnection? store = IsKey(key) ? await services.GetRequiredService<IConnectionStore>().FindByConsumerKeyAsync(key, context.RequestAborted) : null;
        if (store is null)
        {
            await HtmlAsync(context, 404, IdentityPage.Message("Unknown store", "We have no credentials for this integration. Click Activate in the Magento admin."));
            return;
        }

        if (!BelongsToStore(back, store.StoreBaseUrl))
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

        context.Response.Redirect(back, permanent: false);
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
    }

    internal static bool BelongsToStore(string url, string storeBaseUrl) =>
        Uri.TryCreate(url, UriKind.Absolute, out Uri? target) && Uri.TryCreate(storeBaseUrl, UriKind.Absolute, out Uri? store)
        && string.Equals(target.Scheme, store.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(target.IdnHost, store.IdnHost, StringComparison.OrdinalIgnoreCase)
        && target.Port == store.Port && target.UserInfo.Length == 0;

    private static bool IsKey(string key) => key.Length == 32 && key.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c));

    private static Task HtmlAsync(HttpContext context, int status, string html)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(html, context.RequestAborted);
    }
}
