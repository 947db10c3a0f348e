using System.Net;
using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Tests.Hardening;

/// <summary>The callback's rate limits and the removal of failed activations that never worked.</summary>
public sealed class CallbackLimitTests
{
    private static FormUrlEncodedContent Forged(string storeBaseUrl) => new(new Dictionary<string, string>
    {
        ["oauth_consumer_key"] = EndpointHost.Key(),
        ["oauth_consumer_secret"] = EndpointHost.Key(),
        ["oauth_verifier"] = EndpointHost.Key(),
        ["store_base_url"] = storeBaseUrl,
    });

    [Fact]
    public async Task Callbacks_beyond_the_per_address_limit_get_429_with_Retry_After_before_the_body_is_read()
    {
        await using EndpointHost host = await EndpointHost.StartAsync(o => o.CallbackLimitPerAddress = 5);
        var statuses = new List<HttpStatusCode>();
        string? retryAfter = null;
        for (int i = 0; i < 12; i++)
        {
            // A store URL the guard refuses: no exchange and no network, but each request still costs its address a token.
            using HttpResponseMessage response = await host.Http.PostAsync(new Uri(host.Url, "magento/callback"), Forged("ftp://shop.example.com/"));
            statuses.Add(response.StatusCode);
            retryAfter ??= response.Headers.TryGetValues("Retry-After", out IEnumerable<string>? values) ? values.First() : null;
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.BadRequest, 5), statuses.Take(5));
        Assert.All(statuses.Skip(5), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));

        // A body the endpoint would refuse for its type (415) gets 429: the limit is applied before the body is looked at.
        using var text = new StringContent("x", System.Text.Encoding.UTF8, "text/plain");
        using HttpResponseMessage unread = await host.Http.PostAsync(new Uri(host.Url, "magento/callback"), text);
        Assert.Equal(HttpStatusCode.TooManyRequests, unread.StatusCode);
        Assert.NotNull(retryAfter);
        Assert.InRange(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Empty((await host.Store.ListAsync(new ConnectionQuery())).Items);
    }

    [Fact]
    public async Task The_total_limit_holds_across_addresses_and_zero_turns_a_limit_off()
    {
        await using EndpointHost limited = await EndpointHost.StartAsync(o => { o.CallbackLimitPerAddress = 0; o.CallbackLimitTotal = 3; });
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 6; i++)
        {
            using HttpResponseMessage response = await limited.Http.PostAsync(new Uri(limited.Url, "magento/callback"), Forged("ftp://shop.example.com/"));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);

        await using EndpointHost open = await EndpointHost.StartAsync(o => { o.CallbackLimitPerAddress = 0; o.CallbackLimitTotal = 0; });
        for (int i = 0; i < 200; i++)
        {
            using HttpResponseMessage response = await open.Http.PostAsync(new Uri(open.Url, "magento/callback"), Forged("ftp://shop.example.com/"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("203.0.113.9", "203.0.113.9")]
    [InlineData("::ffff:203.0.113.9", "203.0.113.9")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void Addresses_are_limited_alone_for_IPv4_and_by_their_64_for_IPv6(string address, string partition) =>
        Assert.Equal(partition, MagentoOAuth.AspNetCore.Endpoints.Callback.CallbackLimiter.PartitionOf(IPAddress.Parse(address)));

    [Fact]
    public async Task Failed_activations_that_never_got_a_token_are_removed_after_the_retention_period()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        StoreConnection Row(StoreStatus status, TimeSpan age) => new()
        {
            Id = Guid.NewGuid(),
            StoreBaseUrl = "https://shop.example.com/",
            ConsumerKey = EndpointHost.Key(),
            ConsumerSecret = EndpointHost.Key(),
            Status = status,
            StatusReason = "The store could not be reached before the consumer expired.",
            ReceivedAt = now - age,
            UpdatedAt = now - age,
            CreatedAt = now - age,
        };
        StoreConnection forged = Row(StoreStatus.Failed, TimeSpan.FromDays(8));
        StoreConnection recent = Row(StoreStatus.Failed, TimeSpan.FromDays(6));
        StoreConnection linked = Row(StoreStatus.Failed, TimeSpan.FromDays(30)) with { AccountId = "customer-1" };
        StoreConnection revoked = Row(StoreStatus.Revoked, TimeSpan.FromDays(30));

        await using EndpointHost host = await EndpointHost.StartAsync(seed: async store =>
        {
            foreach (StoreConnection c in new[] { forged, recent, linked, revoked })
            {
                await store.InsertAsync(c);
            }
        });

        for (int i = 0; i < 250 && await host.Store.FindAsync(forged.Id) is not null; i++)
        {
            await Task.Delay(20);
        }

        Assert.Null(await host.Store.FindAsync(forged.Id));
        Assert.NotNull(await host.Store.FindAsync(recent.Id));
        Assert.NotNull(await host.Store.FindAsync(linked.Id));
        Assert.NotNull(await host.Store.FindAsync(revoked.Id));
    }
}
