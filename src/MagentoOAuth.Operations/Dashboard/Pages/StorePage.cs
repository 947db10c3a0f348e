using System.Text;
using MagentoOAuth.Diagnostics.Doctor;
using MagentoOAuth.Signing;
using MagentoOAuth.Storage;

namespace MagentoOAuth.Operations.Dashboard.Pages;

/// <summary>One store: its fields (never a secret), health, history, and the "Check now" form with its last results.</summary>
internal static class StorePage
{
    public sealed record Model(StoreRow Row, IReadOnlyList<HistoryEntry> History, DateTimeOffset Now, string AntiforgeryField, string AntiforgeryToken, StoreCheck.Result? Check);

    public static string Main(Model m)
    {
        StoreConnection c = m.Row.Connection;
        StoreHealth? h = m.Row.Health;
        var html = new StringBuilder(32 * 1024);
        html.Append($"<p><a href=\"/\">← All stores</a></p>\n<h1>{Html.E(Html.Label(c))} {Html.Status(c.Status)}</h1>\n");
        if (ReauthorizeRule.Needs(c))
        {
            html.Append($"<p class=\"note\">Only the merchant can bring this store back. In its Magento admin: <span class=\"path\">{Html.E(ReauthorizeAdvice.AdminPath(c))}</span></p>\n");
        }

        html.Append("<h2 id=\"fields\">Connection</h2>\n<dl class=\"fields\" aria-labelledby=\"fields\">\n");
        Field(html, "Status", $"{Html.Status(c.Status)}{(c.StatusReason is null ? "" : $" <span class=\"reason\">{Html.E(c.StatusReason)}</span>")}");
        Field(html, "Store URL", $"<span class=\"url\">{Html.E(c.StoreBaseUrl)}</span>");
        Field(html, "Store name", c.StoreName is null ? "<span class=\"muted\">not known yet</span>" : Html.E($"{c.StoreName} ({c.Locale ?? "?"}, {c.Currency ?? "?"})"));
        Field(html, "Id", $"<code>{c.Id}</code>");
        Field(html, "Consumer key", $"<code>{Html.E(SecretMask.Mask(c.ConsumerKey))}</code> <span class=\"muted\">(secrets are never shown)</span>");
        Field(html, "Linked account", c.AccountId is null ? "<span class=\"muted\">none</span>" : $"{Html.E(c.AccountId)} <span class=\"muted\">since</span> {Html.Time(c.AccountLinkedAt, m.Now)}");
        Field(html, "Exchange step", Html.E($"{c.Step} ({c.Attempts} attempt{(c.Attempts == 1 ? "" : "s")})"));
        Field(html, "Signer", c.Profile == SignatureProfile.Rfc5849 ? "not known yet (RFC 5849)" : Html.E(c.Profile.ToString()));
        Field(html, "Credentials", c.AccessToken is null ? "<span class=\"muted\">no access token</span>" : $"issued {Html.Time(m.Row.CredentialsIssuedAt, m.Now)}, rotated {Html.Number(m.Row.Rotations)} time{(m.Row.Rotations == 1 ? "" : "s")}");
        if (c.SupersededBy is { } by)
        {
            Field(html, "Superseded by", $"<a href=\"/stores/{by}\">{by}</a>");
        }

        Field(html, "Connected", Html.Time(c.CreatedAt, m.Now));
        Field(html, "Last credentials received", Html.Time(c.ReceivedAt, m.Now));
        Field(html, "Last changed", Html.Time(c.UpdatedAt, m.Now));
        html.Append("</dl>\n<h2 id=\"health\">Health</h2>\n");
        if (h is null)
        {
            html.Append("<p class=\"muted\">No signed call to this store has been recorded.</p>\n");
        }
        else
        {
            (int hourCalls, int hourFailures) = h.CountSince(m.Now, TimeSpan.FromHours(1));
            (int dayCalls, int dayFailures) = h.CountSince(m.Now, TimeSpan.FromDays(1));
            html.Append("<dl class=\"fields\" aria-labelledby=\"health\">\n");
            Field(html, "Availability", Html.E(h.Availability.ToString().ToLowerInvariant()));
            Field(html, "Last success", Html.Time(h.LastSuccessAt, m.Now));
            Field(html, "Last failure", h.LastFailureAt is null ? "<span class=\"muted\">none</span>"
                : $"{Html.Time(h.LastFailureAt, m.Now)} <span class=\"reason\">{(h.LastFailureStatus is { } code ? $"HTTP {code}: " : "")}{Html.E(h.LastFailure)}</span>");
            Field(html, "Last hour", $"{Html.Number(hourCalls)} calls, {Html.Number(hourFailures)} failed");
            Field(html, "Last 24 hours", $"{Html.Number(dayCalls)} calls, {Html.Number(dayFailures)} failed");
            html.Append("</dl>\n");
        }

        Check(html, m, c);
        History(html, m);
        return html.ToString();
    }

    private static void Field(StringBuilder html, string name, string valueHtml) => html.Append($"<dt>{Html.E(name)}</dt><dd>{valueHtml}</dd>\n");

    private static void Check(StringBuilder html, Model m, StoreConnection c)
    {
        html.Append($"""
            <h2 id="check">Check now</h2>
            <p>Runs <code>magento-oauth doctor</code>'s checks against the store ({string.Join(", ", StoreDoctor.CheckIds)}): only GET requests, nothing is written to the store; each check is bounded in time.</p>
            <form method="post" action="/stores/{c.Id}/check">
            <input type="hidden" name="{Html.E(m.AntiforgeryField)}" value="{Html.E(m.AntiforgeryToken)}">
            <button type="submit">Check now</button>
            </form>
            """);
        if (m.Check is not { } result)
        {
            return;
        }

        if (result.Message is not null)
        {
            html.Append($"<p class=\"error\" role=\"alert\">{Html.E(result.Message)}</p>\n");
        }

        if (result.Report is not { } report)
        {
            return;
        }

        int Count(DoctorStatus s) => report.Checks.Count(x => x.Status == s);
        html.Append($"""
            <table id="checks">
            <caption>Checks of {Html.E(report.Target.AbsoluteUri)} at {Html.Time(result.At, m.Now)}: {Count(DoctorStatus.Pass)} passed, {Count(DoctorStatus.Warn)} warned, {Count(DoctorStatus.Fail)} failed, {Count(DoctorStatus.Skip)} skipped</caption>
            <thead><tr><th scope="col">Check</th><th scope="col">Result</th><th scope="col">Found</th><th scope="col">Cause</th><th scope="col">Fix</th></tr></thead>
            <tbody>
            """);
        foreach (DoctorCheck check in report.Checks)
        {
            (string symbol, string word) = check.Status switch
            {
                DoctorStatus.Pass => ("✓", "pass"),
                DoctorStatus.Warn => ("⚠", "warn"),
                DoctorStatus.Fail => ("✗", "fail"),
                _ => ("–", "skip"),
            };
            html.Append($"""
                <tr data-check="{Html.E(check.Id)}"><th scope="row">{Html.E(check.Id)}</th>
                <td><span class="status c-{word}" data-result="{word}"><span aria-hidden="true">{symbol}</span> {word}</span></td>
                <td class="reason">{Html.E(check.Summary)}</td><td class="reason">{Html.E(check.Cause)}</td><td class="reason">{Html.E(check.Fix)}</td></tr>
                """);
        }

        html.Append("</tbody>\n</table>\n");
        if (report.Signer is { } signer)
        {
            html.Append($"<p>Signer generation: g{(int)signer} (remembered for this store).</p>\n");
        }
    }

    private static void History(StringBuilder html, Model m)
    {
        html.Append("<h2 id=\"history-title\">History</h2>\n");
        if (m.History.Count == 0)
        {
            html.Append("<p class=\"muted\">No history recorded.</p>\n");
            return;
        }

        html.Append("""
            <table id="history" aria-labelledby="history-title">
            <thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col">Old token</th></tr></thead>
            <tbody>
            """);
        foreach (HistoryEntry e in m.History.Reverse())
        {
            html.Append($"""
                <tr><td>{Html.Time(e.At, m.Now)}</td><th scope="row">{Html.E(Transition(e.Transition))}</th>
                <td>{(e.From is { } from ? Html.Status(from) + " → " : "")}{Html.Status(e.To)}</td>
                <td class="reason">{Html.E(e.Reason)}</td><td>{(e.AccessTokenFingerprint is null ? "" : $"<code title=\"a SHA-256 prefix of the access token that stopped being used\">{Html.E(e.AccessTokenFingerprint)}</code>")}</td></tr>
                """);
        }

        html.Append("</tbody>\n</table>\n<p class=\"muted\">Newest first; the last 100 entries.</p>\n");
    }

    private static string Transition(ConnectionTransition t) => t switch
    {
        ConnectionTransition.Received => "credentials received",
        ConnectionTransition.Exchanging => "exchange started",
        ConnectionTransition.Activated => "activated",
        ConnectionTransition.Failed => "failed",
        ConnectionTransition.Revoked => "revoked",
        ConnectionTransition.Superseded => "superseded",
        ConnectionTransition.Reauthorized => "rotated (Reauthorize)",
        ConnectionTransition.AccountLinked => "account linked",
        _ => t.ToString(),
    };
}
