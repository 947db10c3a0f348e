using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using MagentoOAuth.AspNetCore;
using MagentoOAuth.Operations.Keys;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Cli.Commands;
using System.Net;
using System.Net.Sockets;
using MagentoOAuth.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations.Tests.Proxy;

/// <summary>What the sandbox store received, as its web server saw it (before Magento's code).</summary>
public sealed record SeenRequest(string Method, string RawTarget, string? Authorization, bool HadCookie, DateTimeOffset At);

/// <summary>
/// A sandbox Magento, and the app with the integration endpoint and the admin listener (SQLite in a temporary folder),
/// both on 127.0.0.1 over real HTTP. Before Magento's code, the sandbox records every request it receives, and can
/// answer like a rate-limiting front (429 with Retry-After) for the next few requests.
/// </summary>
public sealed class ProxyTestHost : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly ConcurrentQueue<SeenRequest> _seen = new();
    private int _rateLimited;
    private int _retryAfterSeconds;

    private ProxyTestHost()
    {
    }

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("magento-oauth-proxy-").FullName;

    public string DatabasePath => Path.Combine(Directory, "magento-oauth.db");

    public WebApplication Sandbox { get; private set; } = null!;

    public Uri SandboxUrl { get; private set; } = null!;

    public WebApplication App { get; private set; } = null!;

    /// <summary>The public endpoint (Callback URL, Identity Link URL).</summary>
    public string AppUrl => App.Urls.First(u => !u.StartsWith(AdminUrl, StringComparison.Ordinal));

    /// <summary>The admin listener (the proxy).</summary>
    public string AdminUrl { get; private set; } = null!;

    public SqliteCredentialStore Store { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public ConcurrentQueue<string> Logs { get; } = new();

    public IReadOnlyList<SeenRequest> Seen => [.. _seen];

    public static async Task<ProxyTestHost> StartAsync(Action<StoreResilienceOptions>? resilience = null)
    {
        var host = new ProxyTestHost();
        await host.StartSandboxAsync();
        host.Store = await SqliteCredentialStore.OpenAsync(host.DatabasePath, new SecretProtector(EncryptionKey.Resolve(null, Path.Combine(host.Directory, "magento-oauth.key"))));
        host.App = host.BuildApp(resilience);
        await host.App.StartAsync();
        return host;
    }

    /// <summary>The next <paramref name="count"/> REST requests are answered 429 with <c>Retry-After: seconds</c>, as a rate limiter in front of the store does.</summary>
    public void RateLimitNext(int count, int retryAfterSeconds)
    {
        Volatile.Write(ref _retryAfterSeconds, retryAfterSeconds);
        Volatile.Write(ref _rateLimited, count);
    }

    private async Task StartSandboxAsync()
    {
        Sandbox = SandboxServer.Build(new SandboxOptions(), ["http://127.0.0.1:0"]);
        Sandbox.Use(async (context, next) =>
        {
            string raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path;
            if (raw.StartsWith("/rest", StringComparison.Ordinal))
            {
                _seen.Enqueue(new SeenRequest(context.Request.Method, raw, context.Request.Headers.Authorization, context.Request.Headers.Cookie.Count > 0, DateTimeOffset.UtcNow));
                if (Interlocked.Decrement(ref _rateLimited) >= 0)
                {
                    context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    context.Response.Headers.RetryAfter = Volatile.Read(ref _retryAfterSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    await context.Response.WriteAsync("Too many requests");
                    return;
                }

                Interlocked.Exchange(ref _rateLimited, 0);
            }

            await next(context);
        });
        await Sandbox.StartAsync();
        SandboxUrl = new Uri(Sandbox.Urls.First() + "/");
    }

    /// <summary>The app as 'serve --admin-urls' builds it: the public endpoint on one port, the admin listener on another.</summary>
    private WebApplication BuildApp(Action<StoreResilienceOptions>? resilience)
    {
        AdminUrl = $"http://127.0.0.1:{FreePort()}";
        WebApplication app = ServeCommand.Build(Store, "http://127.0.0.1:0", o =>
        {
            o.AllowPrivateStores = true;
            o.RetryDelay = TimeSpan.FromMilliseconds(100);
            o.MaxUnfinishedPerStoreHost = 1000;
            o.CallbackLimitPerAddress = 0;
            o.RequestTimeout = TimeSpan.FromSeconds(10);
            o.Resilience.RetryDelay = TimeSpan.FromMilliseconds(50);
            resilience?.Invoke(o.Resilience);
        }, LogLevel.Trace, logging => logging.AddProvider(new CapturingLoggerProvider(Logs)),
            admin: AdminListener.Parse(AdminUrl, "http://127.0.0.1:0", allowPublic: false));
        return app;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ApiKeyService Keys => App.Services.GetRequiredService<ApiKeyService>();

    public async Task<string> CreateKeyAsync(string name, params string[] stores) =>
        (await Keys.CreateAsync(name, ApiKeyScope.Proxy, stores))!.Value.Key;

    /// <summary>Creates an integration in the sandbox and activates it; returns its sandbox id and the active connection.</summary>
    public async Task<(int Id, StoreConnection Connection)> ConnectStoreAsync(string name = "Proxy test")
    {
        var body = new JsonObject { ["name"] = name, ["callbackUrl"] = AppUrl + "/magento/callback", ["identityLinkUrl"] = AppUrl + "/magento/identity" };
        using HttpResponseMessage created = await Http.PostAsync(new Uri(SandboxUrl, "sandbox/api/integrations"), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        JsonObject integration = JsonNode.Parse(await created.Content.ReadAsStringAsync())!.AsObject();
        int id = integration["id"]!.GetValue<int>();
        JsonObject activation = await ActivateAsync(id, reauthorize: false);
        string consumerKey = activation["oauthConsumerKey"]!.GetValue<string>();
        return (id, await WaitForAsync(consumerKey, s => s.Status == StoreStatus.Active));
    }

    public async Task<JsonObject> ActivateAsync(int id, bool reauthorize)
    {
        using HttpResponseMessage response = await Http.PostAsync(new Uri(SandboxUrl, $"sandbox/api/integrations/{id}/{(reauthorize ? "reauthorize" : "activate")}"), null);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<JsonObject> SandboxIntegrationAsync(int id) =>
        JsonNode.Parse(await Http.GetStringAsync(new Uri(SandboxUrl, $"sandbox/api/integrations/{id}")))!.AsObject();

    public async Task SetFaultsAsync(params string[] faults)
    {
        using HttpResponseMessage response = await Http.PutAsync(new Uri(SandboxUrl, "sandbox/api/faults"),
            new StringContent(new JsonArray([.. faults.Select(f => (JsonNode)JsonValue.Create(f))]).ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Waits (bounded) until the store with this consumer key satisfies <paramref name="done"/>.</summary>
    public Task<StoreConnection> WaitForAsync(string consumerKey, Func<StoreConnection, bool> done) => StoreWait.ForAsync(Store, consumerKey, done, Patience);

    /// <summary>The proxy's base URL for a store, as a Magento client library takes it.</summary>
    public string ProxyBase(string store) => $"{AdminUrl}/proxy/{Uri.EscapeDataString(store)}/";

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Sandbox.StopAsync();
        await Sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
