using System.Text;
using MagentoOAuth.Signing;
using MagentoOAuth.Storage;

namespace MagentoOAuth.Operations.Dashboard.Pages;

/// <summary>The fleet: the stores that need a Reauthorize first, then every store, paged and searchable.</summary>
internal static class StoreListPage
{
    public sealed record Model(
        IReadOnlyList<StoreConnection> NeedReauthorize, bool MoreNeedReauthorize, IReadOnlyList<StoreRow> Rows, string? Text, StoreStatus? Status,
        bool FirstPage, string? Next, DateTimeOffset Now, string? Error);

    // Refreshes the part of the page below the search form every 10 s by fetching the same URL (asking for that part
    // only: a whole page parsed here would carry a style with another nonce, which the policy refuses), unless the
    // reader is working in it (focus inside, or the tab hidden). Without JavaScript nothing changes: links and forms do it all.
    public const string PartHeader = "X-Dashboard-Part";

    public const string Script = """
        (() => {
          const live = document.getElementById('live');
          if (!live || !window.fetch || !window.DOMParser) return;
          let refreshes = 0;
          const refresh = async () => {
            if (document.hidden || live.contains(document.activeElement)) return;
            try {
              const answer = await fetch(location.href, { credentials: 'same-origin', redirect: 'manual', headers: { 'Accept': 'text/html', 'X-Dashboard-Part': 'live' } });
              if (answer.type === 'opaqueredirect' || answer.status === 401) { location.reload(); return; }
              if (!answer.ok) return;
              const next = new DOMParser().parseFromString(await answer.text(), 'text/html').getElementById('live');
              if (!next) return;
              live.replaceChildren(...Array.from(next.childNodes, n => document.importNode(n, true)));
              document.documentElement.setAttribute('data-refreshes', String(++refreshes));
            } catch (e) { /* the page stays as it is; the next tick tries again */ }
          };
          setInterval(refresh, 10000);
        })();
        """;

    public static string Main(Model m)
    {
        var html = new StringBuilder(64 * 1024);
        html.Append("<h1>Stores</h1>\n");
        if (m.Error is not null)
        {
            html.Append($"<p class=\"error\" role=\"alert\">{Html.E(m.Error)}</p>\n");
        }

        html.Append("""
            <form class="search" method="get" action="/" role="search" aria-label="Stores">
            <div><label for="q">Search</label><input id="q" name="q" type="search" size="32" maxlength="200" placeholder="URL, store name or consumer key" value="
            """).Append(Html.E(m.Text)).Append("""
            "></div>
            <div><label for="status">Status</label><select id="status" name="status"><option value="">any</option>
            """);
        foreach ((string word, StoreStatus status) in Html.StatusWords)
        {
            html.Append($"<option value=\"{word}\"{(m.Status == status ? " selected" : "")}>{word}</option>");
        }

        html.Append("</select></div>\n<div><button type=\"submit\">Search</button></div>\n");
        if (m.Text is not null || m.Status is not null)
        {
            html.Append("<div><a href=\"/\">Clear</a></div>\n");
        }

        html.Append("</form>\n").Append(Live(m));
        return html.ToString();
    }

    /// <summary>The part that refreshes: alone, it is the answer to the script's fetch (no style or script in it to refuse).</summary>
    public static string Live(Model m)
    {
        var html = new StringBuilder(64 * 1024);
        html.Append("<div id=\"live\">\n");
        Reauthorize(html, m);
        Table(html, m);
        html.Append($"<p class=\"muted\">As of {Html.Time(m.Now, m.Now)}; with JavaScript this list refreshes every 10 s.</p>\n</div>\n");
        return html.ToString();
    }

    private static void Reauthorize(StringBuilder html, Model m)
    {
        if (m.NeedReauthorize.Count == 0)
        {
            return;
        }

        html.Append($"""
            <section aria-labelledby="reauthorize-title" class="note">
            <h2 id="reauthorize-title">Waiting for the merchant's Reauthorize ({m.NeedReauthorize.Count}{(m.MoreNeedReauthorize ? "+" : "")})</h2>
            <p>Only the merchant can bring these back: in the store's Magento admin, open the path shown and click <strong>Reauthorize</strong>. The new tokens arrive here on their own.</p>
            <ul class="reauthorize">
            """);
        foreach (StoreConnection c in m.NeedReauthorize)
        {
            html.Append($"""
                <li data-store-id="{c.Id}"><a href="/stores/{c.Id}">{Html.E(Html.Label(c))}</a> <span class="url">{Html.E(c.StoreBaseUrl)}</span> {Html.Status(c.Status)}
                <br><span class="reason">{Html.E(c.StatusReason ?? "no reason recorded")}</span>
                <br>In the Magento admin: <span class="path">{Html.E(ReauthorizeAdvice.AdminPath(c))}</span></li>
                """);
        }

        html.Append("</ul>\n");
        if (m.MoreNeedReauthorize)
        {
            html.Append("<p>More are waiting: filter the list below by status <a href=\"/?status=revoked\">revoked</a> or <a href=\"/?status=failed\">failed</a>.</p>\n");
        }

        html.Append("</section>\n");
    }

    private static void Table(StringBuilder html, Model m)
    {
        string filter = (m.Text is null ? "" : "&q=" + Uri.EscapeDataString(m.Text)) + (m.Status is { } s ? "&status=" + Html.Word(s) : "");
        html.Append($"""
            <table id="stores">
            <caption>{(m.Rows.Count == 0 ? "No stores" : $"Stores {(m.FirstPage ? "" : "(a later page) ")}— {m.Rows.Count} shown")}{(m.Text is null && m.Status is null ? "" : ", filtered")}</caption>
            <thead><tr>
            <th scope="col">Store (URL)</th><th scope="col">Status</th><th scope="col">Account</th>
            <th scope="col">Last success</th><th scope="col">Last error</th>
            <th scope="col">Calls / failures, 1 h</th><th scope="col">Calls / failures, 24 h</th>
            <th scope="col">Credential age</th><th scope="col">Rotations</th>
            </tr></thead>
            <tbody>
            """);
        foreach (StoreRow row in m.Rows)
        {
            StoreConnection c = row.Connection;
            StoreHealth? h = row.Health;
            (int hourCalls, int hourFailures) = h?.CountSince(m.Now, TimeSpan.FromHours(1)) ?? (0, 0);
            (int dayCalls, int dayFailures) = h?.CountSince(m.Now, TimeSpan.FromDays(1)) ?? (0, 0);
            string lastError = h?.LastFailureAt is { } failedAt
                ? $"{Html.Time(failedAt, m.Now)}<br><span class=\"reason\">{(h.LastFailureStatus is { } code ? $"HTTP {code}: " : "")}{Html.E(h.LastFailure)}</span>"
                : c.Status is StoreStatus.Failed or StoreStatus.Revoked && c.StatusReason is not null
                    ? $"<span class=\"reason\">{Html.E(c.StatusReason)}</span>"
                    : "<span class=\"muted\">none</span>";
            html.Append($"""
                <tr data-store-id="{c.Id}">
                <th scope="row"><a class="url" href="/stores/{c.Id}">{Html.E(c.StoreBaseUrl)}</a><br><span class="muted">{(c.StoreName is null ? "" : $"store {Html.E(c.StoreName)} · ")}key {Html.E(SecretMask.Mask(c.ConsumerKey))}</span></th>
                <td>{Html.Status(c.Status)}</td>
                <td>{(c.AccountId is null ? "<span class=\"muted\">none</span>" : Html.E(c.AccountId))}</td>
                <td>{Html.Time(h?.LastSuccessAt, m.Now)}</td>
                <td>{lastError}</td>
                <td class="num">{Html.Number(hourCalls)} / {Html.Number(hourFailures)}</td>
                <td class="num">{Html.Number(dayCalls)} / {Html.Number(dayFailures)}</td>
                <td class="num">{(c.AccessToken is null ? "<span class=\"muted\">no tokens</span>" : Html.Age(m.Now - row.CredentialsIssuedAt))}</td>
                <td class="num">{Html.Number(row.Rotations)}</td>
                </tr>
                """);
        }

        html.Append("</tbody>\n</table>\n<nav class=\"pages\" aria-label=\"Pages\">");
        if (!m.FirstPage)
        {
            html.Append($"<a href=\"/?{Html.E(filter.TrimStart('&'))}\">First page</a>");
        }

        if (m.Next is not null)
        {
            html.Append($"<a rel=\"next\" href=\"/?after={Uri.EscapeDataString(m.Next)}{Html.E(filter)}\">Next page</a>");
        }

        html.Append("</nav>\n");
    }
}
