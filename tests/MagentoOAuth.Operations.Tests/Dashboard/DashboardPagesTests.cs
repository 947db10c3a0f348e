using System.Text.RegularExpressions;
using MagentoOAuth.Operations.Dashboard;
using MagentoOAuth.Operations.Dashboard.Pages;
using MagentoOAuth.Storage;

namespace MagentoOAuth.Operations.Tests.Dashboard;

/// <summary>What the list and store pages make of a store's health and of text a store chose (until the health tracker records real calls).</summary>
public sealed class DashboardPagesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-04T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static StoreConnection Connection(string? name = "default", string? reason = null, StoreStatus status = StoreStatus.Active) => new()
    {
        Id = Guid.NewGuid(), StoreBaseUrl = "https://shop.example.com/", ConsumerKey = "ck0123456789abcdef0123456789abcd", ConsumerSecret = "cs-secret",
        AccessToken = "at-secret-token", AccessTokenSecret = "ats-secret", Status = status, StatusReason = reason, ReceivedAt = Now.AddDays(-30), CreatedAt = Now.AddDays(-30),
        UpdatedAt = Now.AddDays(-1), StoreName = name,
    };

    private static StoreHealth Health(Guid id) => new()
    {
        ConnectionId = id,
        LastSuccessAt = Now.AddMinutes(-2),
        LastFailureAt = Now.AddMinutes(-9),
        LastFailure = "Service Unavailable",
        LastFailureStatus = 503,
        Availability = StoreAvailability.Probing,
        Buckets = [new(Now.AddDays(-2), 100, 50), new(Now.AddHours(-3), 7, 2), new(Now.AddMinutes(-10), 5, 1)],
    };

    [Fact]
    public void A_row_shows_the_last_hour_and_day_last_success_last_error_credential_age_and_rotations()
    {
        StoreConnection c = Connection();
        var row = new StoreRow(c, Health(c.Id), 3, Now.AddDays(-12));
        string html = StoreListPage.Main(new StoreListPage.Model([], false, [row], null, null, true, null, Now, null));
        string tr = Regex.Match(html, $"<tr data-store-id=\"{c.Id}\">.*?</tr>", RegexOptions.Singleline).Value;
        string[] numbers = [.. Regex.Matches(tr, "<td class=\"num\">([^<]*)</td>").Select(m => m.Groups[1].Value)];
        Assert.Equal(["5 / 1", "12 / 3", "12 d", "3"], numbers);
        Assert.Contains("2026-12-04 11:58 UTC</time> <span class=\"muted\">(2 min ago)", tr, StringComparison.Ordinal);
        Assert.Contains("HTTP 503: Service Unavailable", tr, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", tr, StringComparison.Ordinal);
        Assert.Contains("key ck01…", tr, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_a_store_chose_is_never_markup()
    {
        StoreConnection c = Connection(name: "<script>alert(1)</script>", reason: "\"><img src=x onerror=alert(1)>", status: StoreStatus.Revoked);
        var row = new StoreRow(c, Health(c.Id) with { LastFailure = "<b>boom</b>" }, 0, c.ReceivedAt);
        string list = StoreListPage.Main(new StoreListPage.Model([c], false, [row], "<q>", null, true, null, Now, null));
        string page = StorePage.Main(new StorePage.Model(row, [new HistoryEntry(c.Id, Now, ConnectionTransition.Revoked, StoreStatus.Active, StoreStatus.Revoked, "<i>why</i>")], Now, "f", "t", null));
        foreach (string html in new[] { list, page })
        {
            Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<b>boom", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<i>why", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<q>", html, StringComparison.Ordinal);
        }

        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page, StringComparison.Ordinal);
        Assert.Contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;", list, StringComparison.Ordinal);
    }
}
