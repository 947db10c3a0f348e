using MagentoOAuth.Operations.Dashboard.Pages;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MagentoOAuth.Operations.Dashboard;

/// <summary>
/// <c>GET /?q=TEXT&amp;status=S&amp;after=CURSOR</c>: one keyset page of stores (never an offset, never a count of the
/// fleet), each with its health and credential history read for the page at once.
/// </summary>
internal static class StoreListEndpoint
{
    public const int PageSize = 100;
    public const int MaxTextLength = 200;
    private const int ReauthorizeShown = 20;

    public static async Task HandleAsync(HttpContext context)
    {
        IServiceProvider services = context.RequestServices;
        TimeProvider time = services.GetRequiredService<TimeProvider>();
        IQueryCollection query = context.Request.Query;
        string? text = query["q"].ToString().Trim() is { Length: > 0 } t ? t : null;
        string statusWord = query["status"].ToString();
        string? after = query["after"].ToString() is { Length: > 0 } a ? a : null;
        string? error = null;
        StoreStatus? status = null;
        if (statusWord.Length > 0)
        {
            status = Html.StatusWords.FirstOrDefault(s => s.Word == statusWord) is { Word: not null } found ? found.Status : null;
            error = status is null ? "There is no such status; showing every status." : null;
        }

        if (text is { Length: > MaxTextLength } || (text?.Any(char.IsControl) ?? false))
        {
            error = $"A search is at most {MaxTextLength} characters, without control characters.";
            text = null;
        }

        if (after is not null && !IsCursor(after))
        {
            error = "That page link is not valid any more; showing the first page.";
            after = null;
        }

        IConnectionStore connections = services.GetRequiredService<IConnectionStore>();
        ConnectionPage page = await connections.ListAsync(new ConnectionQuery { Text = text, Status = status, After = after, PageSize = PageSize }, context.RequestAborted).ConfigureAwait(false);
        IReadOnlyList<StoreRow> rows = await services.GetRequiredService<StoreRows>().LoadAsync(page.Items, context.RequestAborted).ConfigureAwait(false);
        // The stores waiting for a Reauthorize head the fleet's first page; a search or a later page is about other stores.
        bool overview = text is null && status is null && after is null;
        IReadOnlyList<StoreConnection> waiting = !overview ? [] : connections is IDashboardStore dashboard
            ? await dashboard.ListNeedingReauthorizeAsync(ReauthorizeShown + 1, context.RequestAborted).ConfigureAwait(false)
            : (await connections.ListAsync(new ConnectionQuery { Status = StoreStatus.Revoked, PageSize = ReauthorizeShown + 1 }, context.RequestAborted).ConfigureAwait(false)).Items;

        string nonce = DashboardHttp.BeginPage(context);
        AntiforgeryTokenSet tokens = DashboardHttp.Tokens(context);
        var model = new StoreListPage.Model([.. waiting.Take(ReauthorizeShown)], waiting.Count > ReauthorizeShown, rows, text, status, after is null, page.Next, time.GetUtcNow(), error);
        int code = error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        if (context.Request.Headers[StoreListPage.PartHeader] == "live")
        {
            await DashboardHttp.WriteAsync(context, code, StoreListPage.Live(model)).ConfigureAwait(false);
            return;
        }

        await DashboardHttp.WriteAsync(context, code,
            Layout.Render("Stores", nonce, StoreListPage.Main(model), tokens.RequestToken, tokens.FormFieldName, StoreListPage.Script)).ConfigureAwait(false);
    }

    private static bool IsCursor(string text)
    {
        try
        {
            _ = ConnectionCursor.Parse(text);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
