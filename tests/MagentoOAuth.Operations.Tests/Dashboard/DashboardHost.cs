using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Cli.Commands;
using MagentoOAuth.Operations.Keys;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations.Tests.Dashboard;

/// <summary>
/// A sandbox Magento (each integration its own store) and <c>serve --admin-urls</c> on loopback (<c>ServeCommand.Build</c>):
/// the public endpoint on one port, the admin listener with the dashboard on another, SQLite in a temporary folder. Stores come from real activations and
/// from the storage and lifecycle APIs (failed, revoked).
/// </summary>
public sealed class DashboardHost : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("magento-oauth-dashboard-").FullName;

    public SandboxHost Sandbox { get; private set; } = null!;

    public WebApplication App { get; private set; } = null!;

    public SqliteCredentialStore Store { get; private set; } = null!;

    public Uri PublicUrl { get; private set; } = null!;

    public Uri AdminUrl { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public ApiKeyService Keys => App.Services.GetRequiredService<ApiKeyService>();

    public ConnectionLifecycle Lifecycle => App.Services.GetRequiredService<ConnectionLifecycle>();

    public async Task InitializeAsync()
    {
        Sandbox = await SandboxHost.StartAsync(new SandboxOptions { SeparateStores = true });
        Store = await SqliteCredentialStore.OpenAsync(Path.Combine(Directory, "magento-oauth.db"), new SecretProtector(EncryptionKey.Resolve(null, Path.Combine(Directory, "magento-oauth.key"))));
        int adminPort = FreePort();
        string admin = $"http://127.0.0.1:{adminPort}";
        App = ServeCommand.Build(Store, "http://127.0.0.1:0", o =>
        {
            o.AllowPrivateStores = true;
            o.RetryDelay = TimeSpan.FromMilliseconds(100);
            o.MaxUnfinishedPerStoreHost = 1000; // the tests' stores all live on 127.0.0.1
            o.CallbackLimitPerAddress = 0;
        }, LogLevel.Warning, admin: AdminListener.Parse(admin, "http://127.0.0.1:0", allowPublic: false));
        await App.StartAsync();
        AdminUrl = new Uri(admin + "/");
        PublicUrl = new Uri(App.Urls.First(u => !u.EndsWith($":{adminPort}", StringComparison.Ordinal)) + "/");
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>A new admin (or proxy) key.</summary>
    public async Task<string> CreateKeyAsync(ApiKeyScope scope = ApiKeyScope.Admin, string? name = null) =>
        (await Keys.CreateAsync(name ?? "k" + Guid.NewGuid().ToString("N")[..12], scope, []))!.Value.Key;

    /// <summary>A real Integration flow: the sandbox posts the credentials to our callback, the exchange runs, the store is active.</summary>
    public async Task<StoreConnection> ActivateAsync(string name)
    {
        var body = new JsonObject { ["name"] = name, ["callbackUrl"] = new Uri(PublicUrl, "magento/callback").AbsoluteUri, ["identityLinkUrl"] = new Uri(PublicUrl, "magento/identity").AbsoluteUri };
        using HttpResponseMessage created = await Http.PostAsync(new Uri(Sandbox.BaseUrl, "sandbox/api/integrations"), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        JsonObject integration = JsonNode.Parse(await created.Content.ReadAsStringAsync())!.AsObject();
        using HttpResponseMessage activated = await Http.PostAsync(new Uri(Sandbox.BaseUrl, $"sandbox/api/integrations/{(int)integration["id"]!}/activate"), null);
        Assert.True(activated.IsSuccessStatusCode, await activated.Content.ReadAsStringAsync());
        return await WaitForAsync((string)integration["consumerKey"]!, s => s.Status == StoreStatus.Active, (int)integration["id"]!);
    }

    /// <summary>The merchant clicks Reauthorize: new tokens, one rotation in the history.</summary>
    public async Task<StoreConnection> ReauthorizeAsync(StoreConnection store)
    {
        int id = await SandboxIdAsync(store.ConsumerKey);
        using HttpResponseMessage response = await Http.PostAsync(new Uri(Sandbox.BaseUrl, $"sandbox/api/integrations/{id}/reauthorize"), null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await WaitForAsync(store.ConsumerKey, s => s.Status == StoreStatus.Active && s.AccessToken != store.AccessToken, id);
    }

    /// <summary>A store whose activation failed, stored as the exchange leaves one, with its history.</summary>
    public async Task<StoreConnection> AddFailedAsync(string url, string reason, bool withTokens = false)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var connection = new StoreConnection
        {
            Id = Guid.NewGuid(),
            StoreBaseUrl = url,
            ConsumerKey = Secret("ck"),
            ConsumerSecret = Secret("cs"),
            AccessToken = withTokens ? Secret("at") : null,
            AccessTokenSecret = withTokens ? Secret("as") : null,
            Verifier = Secret("vf"),
            Status = StoreStatus.Failed,
            StatusReason = reason,
            Step = ExchangeStep.Received,
            ReceivedAt = now.AddMinutes(-10),
            UpdatedAt = now,
        };
        Assert.True(await Store.InsertAsync(connection));
        await Store.AddAsync(new HistoryEntry(connection.Id, now.AddMinutes(-10), ConnectionTransition.Received, null, StoreStatus.Pending, "Magento posted new credentials."));
        await Store.AddAsync(new HistoryEntry(connection.Id, now, ConnectionTransition.Failed, StoreStatus.Exchanging, StoreStatus.Failed, reason));
        return connection;
    }

    /// <summary>An active store (a manual integration's credentials) that Magento then stopped accepting: revoked, through the lifecycle.</summary>
    public async Task<StoreConnection> AddRevokedAsync(string url, string name)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var connection = new StoreConnection
        {
            Id = Guid.NewGuid(),
            StoreBaseUrl = url,
            ConsumerKey = Secret("ck"),
            ConsumerSecret = Secret("cs"),
            AccessToken = Secret("at"),
            AccessTokenSecret = Secret("as"),
            Status = StoreStatus.Active,
            Step = ExchangeStep.Verified,
            ReceivedAt = now.AddDays(-3),
            UpdatedAt = now.AddDays(-3),
            StoreName = name,
        };
        Assert.True(await Lifecycle.AddVerifiedAsync(connection));
        StoreConnection? revoked = await Lifecycle.RevokeAsync(connection.Id, connection.AccessToken!, "Magento answered 401 \"The consumer isn't authorized to access %resources.\" to the access token: the integration was deleted or reauthorized elsewhere.", CancellationToken.None);
        Assert.Equal(StoreStatus.Revoked, revoked?.Status);
        return revoked!;
    }

    public Task<StoreConnection> WaitForAsync(string consumerKey, Func<StoreConnection, bool> done, int sandboxId = 0) =>
        StoreWait.ForAsync(Store, consumerKey, done, Patience, $"sandbox {sandboxId}");

    private async Task<int> SandboxIdAsync(string consumerKey)
    {
        foreach (JsonNode? node in JsonNode.Parse(await Http.GetStringAsync(new Uri(Sandbox.BaseUrl, "sandbox/api/integrations")))!.AsArray())
        {
            if ((string?)node!["consumerKey"] == consumerKey)
            {
                return (int)node["id"]!;
            }
        }

        throw new InvalidOperationException("The sandbox has no integration with that key.");
    }

    private static string Secret(string kind) => (kind + Guid.NewGuid().ToString("N"))[..32];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
