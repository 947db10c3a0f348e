using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using MagentoOAuth.AspNetCore.Exchange;
using MagentoOAuth.Cli.Commands;
using MagentoOAuth.Operations.Keys;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations.Tests.Admin;

/// <summary><c>serve --admin-urls</c>: one process, two listeners kept apart by the connection's local port, keys on the admin one.</summary>
public sealed class AdminListenerTests : IAsyncLifetime
{
    private readonly InMemoryCredentialStore _store = new();
    private HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };
    private WebApplication _app = null!;
    private string _public = null!;
    private string _admin = null!;

    public async Task InitializeAsync()
    {
        int adminPort = FreePort();
        _admin = $"http://127.0.0.1:{adminPort}";
        _app = ServeCommand.Build(_store, "http://127.0.0.1:0", o => o.AllowPrivateStores = true, LogLevel.Warning, admin: AdminListener.Parse(_admin, "http://127.0.0.1:0", allowPublic: false) with { Configure = o => o.KeyCacheDuration = TimeSpan.FromMilliseconds(300) });

        // Endpoints of the admin group, as the features map theirs.
        RouteGroupBuilder admin = _app.MapMagentoAdmin();
        admin.MapGet("/test/proxy-scope", (HttpContext c) => c.User.FindFirst(ApiKeyClaims.Name)!.Value).RequireAuthorization(MagentoAdminDefaults.ProxyPolicy);
        admin.MapGet("/test/admin-scope", () => "admin").RequireAuthorization(MagentoAdminDefaults.AdminPolicy);
        await _app.StartAsync();
        _public = _app.Urls.First(u => !u.EndsWith($":{adminPort}", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Both_listeners_answer_healthz_with_every_check()
    {
        foreach (string listener in new[] { _public, _admin })
        {
            using HttpResponseMessage response = await Http.GetAsync(new Uri(listener + "/healthz"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            JsonObject report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            Assert.Equal("healthy", (string)report["status"]!);
            Assert.Equal(["database", "key-ring", "exchange-worker"], report["checks"]!.AsObject().Select(c => c.Key));
        }
    }

    [Fact]
    public async Task Healthz_answers_503_naming_the_exchange_worker_once_it_stopped()
    {
        await _app.Services.GetRequiredService<ExchangeWorker>().StopAsync(CancellationToken.None);

        using HttpResponseMessage response = await Http.GetAsync(new Uri(_admin + "/healthz"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        JsonObject checks = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["checks"]!.AsObject();
        Assert.Equal("unhealthy", (string)checks["exchange-worker"]!["status"]!);
        Assert.Contains("stopped", (string)checks["exchange-worker"]!["description"]!, StringComparison.Ordinal);
        Assert.Equal("healthy", (string)checks["database"]!["status"]!);
    }

    [Fact]
    public async Task Each_listener_serves_only_its_own_endpoints_whatever_the_Host_header()
    {
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, _public + "/test/proxy-scope");
        spoofed.Headers.Host = new Uri(_admin).Authority;
        Assert.Equal(HttpStatusCode.NotFound, (await Http.SendAsync(spoofed)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(new Uri(_admin + "/magento/identity"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PostAsync(new Uri(_admin + "/magento/callback"), new FormUrlEncodedContent([]))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.GetAsync(new Uri(_admin + "/test/proxy-scope"))).StatusCode);
    }

    [Fact]
    public async Task Keys_are_required_checked_and_scoped()
    {
        var keys = new ApiKeyService(_store, TimeProvider.System);
        string proxy = (await keys.CreateAsync("etl", ApiKeyScope.Proxy, []))!.Value.Key;
        string admin = (await keys.CreateAsync("ops", ApiKeyScope.Admin, []))!.Value.Key;

        using HttpResponseMessage none = await Http.GetAsync(new Uri(_admin + "/test/proxy-scope"));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("keys create", (string)JsonNode.Parse(await none.Content.ReadAsStringAsync())!["message"]!, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("/test/proxy-scope", proxy[..^1] + (proxy[^1] == 'x' ? 'y' : 'x'))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("/test/proxy-scope", "not-a-key")).StatusCode);

        using HttpResponseMessage ok = await SendAsync("/test/proxy-scope", proxy);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("etl", await ok.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/test/proxy-scope", admin)).StatusCode);

        using HttpResponseMessage forbidden = await SendAsync("/test/admin-scope", proxy);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("forbidden", (string)JsonNode.Parse(await forbidden.Content.ReadAsStringAsync())!["error"]!);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/test/admin-scope", admin)).StatusCode);

        // Revoked (as 'keys revoke' does, from another process): refused once the key cache's period has passed.
        Assert.True(await keys.RevokeAsync("etl"));
        HttpStatusCode after = HttpStatusCode.OK;
        for (int i = 0; i < 100 && after != HttpStatusCode.Unauthorized; i++)
        {
            await Task.Delay(50);
            after = (await SendAsync("/test/proxy-scope", proxy)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, after);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/test/admin-scope", admin)).StatusCode);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5001", "not a loopback address")]
    [InlineData("http://127.0.0.1", "explicit port")]
    [InlineData("http://127.0.0.1:0", "explicit port")]
    [InlineData("http://127.0.0.1:5000", "another port than --urls")]
    [InlineData("http://127.0.0.1:5002", "another port than --urls")]
    [InlineData("ftp://127.0.0.1:5001", "not one http(s) URL")]
    [InlineData("http://127.0.0.1:5001/admin", "not one http(s) URL")]
    public void Admin_urls_are_checked_before_anything_listens(string url, string message)
    {
        var error = Assert.ThrowsAny<Exception>(() => AdminListener.Parse(url, "http://127.0.0.1:5000; http://192.168.1.5:5002", allowPublic: false));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_public_admin_address_needs_admin_public() =>
        Assert.Equal(5001, AdminListener.Parse("http://0.0.0.0:5001", "http://127.0.0.1:5000", allowPublic: true).Port);

    private Task<HttpResponseMessage> SendAsync(string path, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, _admin + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return Http.SendAsync(request);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
