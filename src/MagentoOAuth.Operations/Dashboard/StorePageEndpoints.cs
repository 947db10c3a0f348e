using MagentoOAuth.Diagnostics.Doctor;
using MagentoOAuth.Operations.Dashboard.Pages;
using MagentoOAuth.Operations.Keys;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations.Dashboard;

/// <summary><c>GET /stores/{id}</c>: one store; <c>POST /stores/{id}/check</c>: the same page with the checks' results.</summary>
internal static class StorePageEndpoints
{
    // Plain request delegates (the id read from the route, which constrains it to a Guid): no delegate binding made by
    // reflection, so the native-AOT CLI serves these pages too.
    public static Task PageAsync(HttpContext context) => RenderAsync(context, IdOf(context), check: false);

    public static async Task CheckAsync(HttpContext context)
    {
        Guid id = IdOf(context);
        if (!await DashboardHttp.FormIsValidAsync(context).ConfigureAwait(false))
        {
            string nonce = DashboardHttp.BeginPage(context);
            await DashboardHttp.WriteAsync(context, StatusCodes.Status400BadRequest, Layout.Render("Please try again", nonce,
                $"<h1>Please try again</h1><p>This form has expired. <a href=\"/stores/{id}\">Reload the store's page</a> and click Check now again.</p>")).ConfigureAwait(false);
            return;
        }

        await RenderAsync(context, id, check: true).ConfigureAwait(false);
    }

    private static Guid IdOf(HttpContext context) => Guid.Parse((string)context.Request.RouteValues["id"]!, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task RenderAsync(HttpContext context, Guid id, bool check)
    {
        IServiceProvider services = context.RequestServices;
        StoreConnection? connection = await services.GetRequiredService<IConnectionStore>().FindAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (connection is null)
        {
            string missingNonce = DashboardHttp.BeginPage(context);
            await DashboardHttp.WriteAsync(context, StatusCodes.Status404NotFound, Layout.Render("No such store", missingNonce,
                "<h1>No such store</h1><p>No store has this id (it may have been removed). <a href=\"/\">All stores</a></p>")).ConfigureAwait(false);
            return;
        }

        StoreCheck.Result? result = null;
        if (check)
        {
            result = await services.GetRequiredService<StoreCheck>().RunAsync(connection, context.RequestAborted).ConfigureAwait(false);
            ILogger logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("MagentoOAuth.Operations.Dashboard");
            string keyName = context.User.FindFirst(ApiKeyClaims.Name)?.Value ?? "?";
            int failed = result.Report?.Checks.Count(c => c.Status == DoctorStatus.Fail) ?? -1;
            Log.CheckRan(logger, keyName, id, failed);
            connection = await services.GetRequiredService<IConnectionStore>().FindAsync(id, context.RequestAborted).ConfigureAwait(false) ?? connection;
        }

        StoreRow row = (await services.GetRequiredService<StoreRows>().LoadAsync([connection], context.RequestAborted).ConfigureAwait(false))[0];
        IReadOnlyList<HistoryEntry> history = await services.GetRequiredService<IConnectionHistory>().ListAsync(id, 100, context.RequestAborted).ConfigureAwait(false);
        string nonce = DashboardHttp.BeginPage(context);
        AntiforgeryTokenSet tokens = DashboardHttp.Tokens(context);
        var model = new StorePage.Model(row, history, services.GetRequiredService<TimeProvider>().GetUtcNow(), tokens.FormFieldName, tokens.RequestToken ?? string.Empty, result);
        await DashboardHttp.WriteAsync(context, StatusCodes.Status200OK,
            Layout.Render(connection.StoreName ?? connection.StoreBaseUrl, nonce, StorePage.Main(model), tokens.RequestToken, tokens.FormFieldName)).ConfigureAwait(false);
    }
}
