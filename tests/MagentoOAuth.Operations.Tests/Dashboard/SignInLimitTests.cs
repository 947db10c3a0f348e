using System.Net;
using MagentoOAuth.Operations.Dashboard;
using MagentoOAuth.Storage;

namespace MagentoOAuth.Operations.Tests.Dashboard;

/// <summary>Refused sign-ins are limited per client address (its own host: the limit is the app's).</summary>
public sealed class SignInLimitTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    [Fact]
    public async Task After_ten_refusals_in_a_minute_the_address_waits_even_with_a_good_key()
    {
        string good = await host.CreateKeyAsync(ApiKeyScope.Admin);
        using var browser = new DashboardClient(host.AdminUrl);
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.SignInAsync(good)).Response.StatusCode); // successes are not counted
        for (int i = 0; i < SignInLimiter.RefusalsPerMinute; i++)
        {
            using var guesser = new DashboardClient(host.AdminUrl);
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.SignInAsync("mok_guess" + i)).Response.StatusCode);
        }

        using var late = new DashboardClient(host.AdminUrl);
        (HttpResponseMessage limited, string body) = await late.SignInAsync(good);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), limited.Headers.RetryAfter!.Delta);
        Assert.Contains("Too many refused sign-ins", body, StringComparison.Ordinal);
        Assert.DoesNotContain(late.Cookies.GetAllCookies(), c => c.Name == "magento-oauth-admin");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).Response.StatusCode); // a session already open goes on
    }
}
