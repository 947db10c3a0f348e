using System.Net;
using System.Text.RegularExpressions;
using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Tests.Hardening;

/// <summary>
/// Confirm on the identity page: the store URL came from an unauthenticated callback, so the merchant is sent there only
/// once Magento issued the store's tokens; a return address that cannot go in a Location header is a 400 before anything
/// is linked; a body that is not the page's form is a 400.
/// </summary>
public sealed partial class ConfirmTests
{
    private const string Store = "https://shop.example.com/";

    [Fact]
    public async Task A_store_without_tokens_gets_no_redirect()
    {
        await using EndpointHost host = await StartAsync();
        StoreConnection connection = await AddAsync(host, ExchangeStep.Received);
        using HttpResponseMessage confirm = await ConfirmAsync(host, connection, Store + "admin/integration");
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Null(confirm.Headers.Location);
        Assert.Contains("return to the Magento admin", await confirm.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_whose_tokens_Magento_issued_is_returned_to()
    {
        await using EndpointHost host = await StartAsync();
        StoreConnection connection = await AddAsync(host, ExchangeStep.AccessToken);
        using HttpResponseMessage confirm = await ConfirmAsync(host, connection, Store + "admin/integration?x=ä");
        Assert.Equal(HttpStatusCode.SeeOther, confirm.StatusCode);
        Assert.Equal("https://shop.example.com/admin/integration?x=%C3%A4", confirm.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("https://shop.example.com/admin\r\nSet-Cookie: a=b")]
    [InlineData("https://shop.example.com/admin\n")]
    [InlineData("https://shop.example.com/\u0000")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://shop.example.t\u0786st/admin")] // parses, but IDNA refuses the name (found by the fuzz run: it was a 500)
    public async Task A_return_address_that_cannot_be_a_Location_is_400_and_links_nothing(string back)
    {
        await using EndpointHost host = await StartAsync();
        StoreConnection connection = await AddAsync(host, ExchangeStep.AccessToken);
        using HttpResponseMessage confirm = await ConfirmAsync(host, connection, back);
        Assert.Equal(HttpStatusCode.BadRequest, confirm.StatusCode);
        Assert.Null((await host.Store.FindAsync(connection.Id))!.AccountId);
    }

    [Fact]
    public async Task A_body_that_is_not_a_form_is_400()
    {
        await using EndpointHost host = await StartAsync();
        using var json = new StringContent("{\"oauth_consumer_key\":\"x\"}", System.Text.Encoding.UTF8, "application/json");
        using HttpResponseMessage confirm = await host.Http.PostAsync(new Uri(host.Url, "magento/identity"), json);
        Assert.Equal(HttpStatusCode.BadRequest, confirm.StatusCode);
        using var broken = new StringContent("a=%zz&&=&%", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        using HttpResponseMessage malformed = await host.Http.PostAsync(new Uri(host.Url, "magento/identity"), broken);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task Identity_pages_carry_a_content_security_policy_with_a_nonce_for_their_script()
    {
        await using EndpointHost host = await StartAsync();
        StoreConnection connection = await AddAsync(host, ExchangeStep.Received);
        using HttpResponseMessage page = await host.Http.GetAsync(new Uri(host.Url, $"magento/identity?oauth_consumer_key={connection.ConsumerKey}&success_call_back={Uri.EscapeDataString(Store)}"));
        string csp = string.Join(' ', page.Headers.GetValues("Content-Security-Policy"));
        string html = await page.Content.ReadAsStringAsync();
        string nonce = Nonce().Match(csp).Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains($"<script nonce=\"{nonce}\">", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("form-action 'self' https://shop.example.com", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("no-referrer", string.Join(',', page.Headers.GetValues("Referrer-Policy")));
    }

    private static Task<EndpointHost> StartAsync() =>
        EndpointHost.StartAsync(o => o.Events.OnLinkAccount = link =>
        {
            link.AccountId = "account-1";
            return Task.CompletedTask;
        });

    private static async Task<StoreConnection> AddAsync(EndpointHost host, ExchangeStep step)
    {
        var connection = new StoreConnection
        {
            Id = Guid.NewGuid(), StoreBaseUrl = Store, ConsumerKey = EndpointHost.Key(), ConsumerSecret = EndpointHost.Key(),
            ReceivedAt = DateTimeOffset.UtcNow, CreatedAt = DateTimeOffset.UtcNow, Status = StoreStatus.Exchanging, Step = step,
        };
        Assert.True(await host.Store.InsertAsync(connection));
        return connection;
    }

    /// <summary>Opens the page (its antiforgery cookie lands in the client) and posts its form with <paramref name="back"/>.</summary>
    private static async Task<HttpResponseMessage> ConfirmAsync(EndpointHost host, StoreConnection connection, string back)
    {
        string html = await host.Http.GetStringAsync(new Uri(host.Url, $"magento/identity?oauth_consumer_key={connection.ConsumerKey}&success_call_back={Uri.EscapeDataString(Store)}"));
        Match token = Antiforgery().Match(html);
        Assert.True(token.Success, html);
        return await host.Http.PostAsync(new Uri(host.Url, "magento/identity"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["oauth_consumer_key"] = connection.ConsumerKey,
            ["success_call_back"] = back,
            [token.Groups[1].Value] = WebUtility.HtmlDecode(token.Groups[2].Value),
        }));
    }

    [GeneratedRegex("""<input type="hidden" name="(__RequestVerificationToken[^"]*)" value="([^"]+)">""")]
    private static partial Regex Antiforgery();

    [GeneratedRegex("script-src 'nonce-([^']+)'")]
    private static partial Regex Nonce();
}
