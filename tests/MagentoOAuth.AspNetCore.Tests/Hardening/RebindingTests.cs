using System.Net;
using System.Net.Sockets;
using System.Text;
using MagentoOAuth.AspNetCore.Network;
using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Tests.Hardening;

/// <summary>
/// DNS rebinding: the store's name resolves to a public address when the callback is checked, then to 127.0.0.1, where
/// an internal service listens. No connection reaches it, and nothing of its answer shows on the unauthenticated status.
/// </summary>
public sealed class RebindingTests
{
    [Fact]
    public async Task A_name_that_rebinds_to_loopback_after_the_callback_is_never_connected_to()
    {
        // The "internal service": counts connections and, if reached, answers with something worth stealing.
        using var internalService = new TcpListener(IPAddress.Loopback, 0);
        internalService.Start();
        int port = ((IPEndPoint)internalService.LocalEndpoint).Port;
        int accepted = 0;
        using var stop = new CancellationTokenSource();
        Task serving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using TcpClient client = await internalService.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref accepted);
                byte[] answer = Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 32\r\nConnection: close\r\n\r\n{\"message\":\"INTERNAL-SECRET-42\"}");
                await client.GetStream().WriteAsync(answer, stop.Token);
            }
        });

        await using EndpointHost host = await EndpointHost.StartAsync();
        host.Resolver.Answer("shop.rebind.test", [IPAddress.Parse("93.184.215.14")], [IPAddress.Loopback]);
        string key = EndpointHost.Key();
        using HttpResponseMessage callback = await host.PostCallbackAsync($"http://shop.rebind.test:{port}/", key);
        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);

        StoreConnection failed = await host.WaitForAsync(key, s => s.Status == StoreStatus.Failed);
        Assert.Equal(0, Volatile.Read(ref accepted));
        Assert.Contains("resolved to 127.0.0.1 (loopback) when connecting", failed.StatusReason, StringComparison.Ordinal);
        Assert.True(host.Resolver.Lookups >= 2, "the connection resolved the name again");

        string status = await host.Http.GetStringAsync(new Uri(host.Url, $"magento/identity/status?oauth_consumer_key={key}"));
        Assert.DoesNotContain("127.0.0.1", status, StringComparison.Ordinal);
        Assert.DoesNotContain("INTERNAL", status, StringComparison.Ordinal);
        Assert.Contains("Reauthorize", status, StringComparison.Ordinal);

        await stop.CancelAsync();
        internalService.Stop();
        await Assert.ThrowsAnyAsync<Exception>(() => serving);
    }

    [Fact]
    public async Task The_status_page_never_shows_a_stores_own_answer()
    {
        await using EndpointHost host = await EndpointHost.StartAsync();
        var connection = new StoreConnection
        {
            Id = Guid.NewGuid(), StoreBaseUrl = "https://shop.example.com/", ConsumerKey = EndpointHost.Key(), ConsumerSecret = EndpointHost.Key(),
            ReceivedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, Status = StoreStatus.Failed, StatusReason = "Magento said \"{internal: db01.corp password=hunter2}\".",
        };
        Assert.True(await host.Store.InsertAsync(connection));
        string status = await host.Http.GetStringAsync(new Uri(host.Url, $"magento/identity/status?oauth_consumer_key={connection.ConsumerKey}"));
        string page = await host.Http.GetStringAsync(new Uri(host.Url, $"magento/identity?oauth_consumer_key={connection.ConsumerKey}&success_call_back=https%3A%2F%2Fshop.example.com%2Fadmin"));
        Assert.DoesNotContain("hunter2", status, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", page, StringComparison.Ordinal);
        Assert.Contains("Reauthorize", status, StringComparison.Ordinal);
    }
}

/// <summary>The connect-time check through a proxy, with a primary handler it cannot hook, and against HTTP/3.</summary>
public sealed class ConnectGuardTests
{
    private static StoreConnectGuard Guard(StoreAddressResolver resolver) =>
        new(resolver, Microsoft.Extensions.Options.Options.Create(new MagentoIntegrationOptions()));

    [Fact]
    public async Task Through_a_proxy_the_stores_own_name_is_still_checked_and_the_proxy_is_never_asked()
    {
        using var proxy = new TcpListener(IPAddress.Loopback, 0);
        proxy.Start();
        var resolver = new EndpointHost.ScriptedResolver();
        resolver.Answer("shop.rebind.test", [IPAddress.Loopback]);
        var handler = new SocketsHttpHandler { UseProxy = true, Proxy = new WebProxy($"http://127.0.0.1:{((IPEndPoint)proxy.LocalEndpoint).Port}") };
        Guard(resolver).Apply(handler);
        using var client = new HttpClient(handler);

        HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("http://shop.rebind.test/oauth/token/request")));
        Assert.NotNull(StoreAddressRefusedException.Find(error));
        Assert.False(proxy.Pending(), "no connection was made to the proxy");
    }

    [Fact]
    public void A_primary_handler_the_check_cannot_hook_is_refused_instead_of_connecting_anywhere()
    {
        using var handler = new HttpClientHandler();
        var error = Assert.Throws<InvalidOperationException>(() => Guard(new StoreAddressResolver()).Apply(handler));
        Assert.Contains("SocketsHttpHandler", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_to_stores_never_ask_for_HTTP_3_which_would_bypass_the_check()
    {
        var seen = new List<(Version, HttpVersionPolicy)>();
        using var client = new HttpClient(new StoreHttpVersionHandler { InnerHandler = new Recording(seen) });
        using var http3 = new HttpRequestMessage(HttpMethod.Get, "https://shop.example.com/") { Version = HttpVersion.Version30, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var orHigher = new HttpRequestMessage(HttpMethod.Get, "https://shop.example.com/") { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher };
        (await client.SendAsync(http3)).Dispose();
        (await client.SendAsync(orHigher)).Dispose();
        Assert.Equal([(HttpVersion.Version20, HttpVersionPolicy.RequestVersionOrLower), (HttpVersion.Version11, HttpVersionPolicy.RequestVersionOrLower)], seen);
    }

    private sealed class Recording(List<(Version, HttpVersionPolicy)> seen) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add((request.Version, request.VersionPolicy));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
