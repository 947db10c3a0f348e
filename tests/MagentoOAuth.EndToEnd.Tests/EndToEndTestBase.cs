using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using MagentoOAuth.Cli.Commands;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace MagentoOAuth.EndToEnd.Tests;

/// <summary>A sandbox Magento and the integration endpoint (SQLite in a temporary folder) on loopback, over real HTTP.</summary>
public abstract class EndToEndTestBase : IAsyncLifetime
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    protected FakeTimeProvider SandboxTime { get; } = new(DateTimeOffset.UtcNow);

    protected string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("magento-oauth-e2e-").FullName;

    protected string DatabasePath => Path.Combine(Directory, "magento-oauth.db");

    protected SandboxHost Sandbox { get; private set; } = null!;

    protected WebApplication Endpoint { get; private set; } = null!;

    protected SqliteCredentialStore Store { get; private set; } = null!;

    protected HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    protected ConcurrentQueue<string> Logs { get; } = new();

    protected string EndpointUrl => Endpoint.Urls.First();

    protected virtual bool AllowPrivateStores => true;

    protected virtual SandboxOptions SandboxOptions => new();

    protected virtual void ConfigureIntegration(MagentoOAuth.AspNetCore.MagentoIntegrationOptions options)
    {
    }

    public async Task InitializeAsync()
    {
        Sandbox = await SandboxHost.StartAsync(SandboxOptions, timeProvider: SandboxTime);
        Store = await SqliteCredentialStore.OpenAsync(DatabasePath, new SecretProtector(EncryptionKey.Resolve(null, Path.Combine(Directory, "magento-oauth.key"))));
        Endpoint = ServeCommand.Build(Store, "http://127.0.0.1:0", o =>
        {
            o.AllowPrivateStores = AllowPrivateStores;
            o.RetryDelay = TimeSpan.FromMilliseconds(100);
            o.MaxUnfinishedPerStoreHost = 1000; // the tests' stores all live on 127.0.0.1, and the sandbox calls from there
            o.CallbackLimitPerAddress = 0;
            ConfigureIntegration(o);
        }, LogLevel.Trace, logging => logging.AddProvider(new CapturingLoggerProvider(Logs)));
        await Endpoint.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Endpoint.StopAsync();
        await Endpoint.DisposeAsync();
        await Sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    protected async Task<JsonObject> CreateIntegrationAsync(string name = "Test app", string? callbackUrl = null)
    {
        var body = new JsonObject { ["name"] = name, ["callbackUrl"] = callbackUrl ?? EndpointUrl + "/magento/callback", ["identityLinkUrl"] = EndpointUrl + "/magento/identity" };
        using HttpResponseMessage response = await Http.PostAsync(new Uri(Sandbox.BaseUrl, "sandbox/api/integrations"), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    protected async Task<JsonObject> ActivateAsync(int id, bool reauthorize = false)
    {
        using HttpResponseMessage response = await Http.PostAsync(new Uri(Sandbox.BaseUrl, $"sandbox/api/integrations/{id}/{(reauthorize ? "reauthorize" : "activate")}"), null);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    protected async Task<JsonObject> SandboxIntegrationAsync(int id) =>
        JsonNode.Parse(await Http.GetStringAsync(new Uri(Sandbox.BaseUrl, $"sandbox/api/integrations/{id}")))!.AsObject();

    /// <summary>Waits (bounded) until the store with this consumer key satisfies <paramref name="done"/>.</summary>
    protected Task<StoreConnection> WaitForAsync(string consumerKey, Func<StoreConnection, bool> done) => StoreWait.ForAsync(Store, consumerKey, done, Patience);

    protected Task<StoreConnection> WaitForActiveAsync(string consumerKey) => WaitForAsync(consumerKey, s => s.Status == StoreStatus.Active);
}
