using System.Net;
using System.Text.Json.Nodes;
using MagentoOAuth.AspNetCore.Clients;
using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Cli;
using MagentoOAuth.Cli.Commands;
using MagentoOAuth.Errors;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations.Tests.Telemetry;

/// <summary>
/// A sandbox store activated for real through the endpoint (SQLite), signed calls through IMagentoClientFactory clients,
/// failing ones by the sandbox's faults and ACL; then <c>stores show</c>, <c>stores list --json</c> and <c>call</c>.
/// </summary>
public sealed class StoreHealthEndToEndTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("magento-oauth-health-").FullName;
    private HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };
    private SandboxHost _sandbox = null!;
    private SqliteCredentialStore _store = null!;
    private WebApplication _endpoint = null!;

    private string DatabasePath => Path.Combine(_directory, "magento-oauth.db");

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxHost.StartAsync(new SandboxOptions());
        _store = await SqliteCredentialStore.OpenAsync(DatabasePath, new SecretProtector(EncryptionKey.Resolve(null, Path.Combine(_directory, "magento-oauth.key"))));
        _endpoint = ServeCommand.Build(_store, "http://127.0.0.1:0", o =>
        {
            o.AllowPrivateStores = true;
            o.RetryDelay = TimeSpan.FromMilliseconds(100);

            // One attempt per call, so each injected fault is one failed call (retries are the proxy tests' subject).
            o.Resilience.MaxRetries = 0;
            o.MaxUnfinishedPerStoreHost = 1000;
            o.CallbackLimitPerAddress = 0;
            o.HealthWriteInterval = TimeSpan.FromMilliseconds(200);
        }, LogLevel.Warning);
        await _endpoint.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await _endpoint.StopAsync();
        await _endpoint.DisposeAsync();
        await _sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<(int Exit, string Output, string Error)> CliAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CliApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private async Task<JsonObject> ShownHealthAsync(Guid id)
    {
        var (exit, output, error) = await CliAsync("stores", "show", id.ToString(), "--db", DatabasePath);
        Assert.True(exit == 0, error);
        return JsonNode.Parse(output)!["health"]!.AsObject();
    }

    /// <summary>Waits (bounded) until the batch writer has written what the calls did.</summary>
    private async Task<JsonObject> WrittenHealthAsync(Guid id, int calls)
    {
        JsonObject health = await ShownHealthAsync(id);
        for (int i = 0; i < 200 && (int)health["callsLastHour"]! < calls; i++)
        {
            await Task.Delay(50);
            health = await ShownHealthAsync(id);
        }

        return health;
    }

    [Fact]
    public async Task Signed_calls_show_in_stores_show_and_list_with_counts_and_magentos_failure_message_and_call_adds_its_own()
    {
        // The integration may read products but not orders: an orders call is refused by Magento's ACL (401).
        StoreConnection store = await SandboxStores.ActivateAsync(Http, _sandbox, _endpoint.Urls.First(), _store, "Magento_Catalog::products");
        JsonObject before = await ShownHealthAsync(store.Id);
        Assert.Equal(0, (int)before["callsLastDay"]!);
        Assert.Equal("unknown", (string)before["availability"]!);

        IMagentoClientFactory factory = _endpoint.Services.GetRequiredService<IMagentoClientFactory>();
        using HttpClient client = factory.CreateClient(store.Id);
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage ok = await client.GetAsync("V1/products?searchCriteria[pageSize]=1");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (HttpResponseMessage missing = await client.GetAsync("V1/products/NO-SUCH-SKU"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode); // an answer, not a store failure
        }

        await SandboxStores.SetFaultsAsync(Http, _sandbox, "rest:error=503:1:2");
        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage down = await client.GetAsync("V1/products?searchCriteria[pageSize]=1");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        }

        using (HttpResponseMessage refused = await client.GetAsync("V1/orders?searchCriteria[pageSize]=1"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        JsonObject shown = await WrittenHealthAsync(store.Id, calls: 7);
        Assert.Equal(7, (int)shown["callsLastHour"]!);
        Assert.Equal(3, (int)shown["failuresLastHour"]!);
        Assert.Equal(7, (int)shown["callsLastDay"]!);
        Assert.Equal(3, (int)shown["failuresLastDay"]!);
        Assert.Equal("HTTP 401: The consumer isn't authorized to access Magento_Sales::actions_view.", (string)shown["lastFailure"]!);
        Assert.Equal(401, (int)shown["lastFailureStatus"]!);
        Assert.NotNull((string?)shown["lastSuccessAt"]);
        Assert.True(DateTimeOffset.Parse((string)shown["lastFailureAt"]!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.Parse((string)shown["lastSuccessAt"]!, System.Globalization.CultureInfo.InvariantCulture));

        var (exit, output, error) = await CliAsync("stores", "list", "--json", "--db", DatabasePath);
        Assert.True(exit == 0, error);
        JsonObject listed = JsonNode.Parse(output)!.AsArray().Single(s => (string)s!["id"]! == store.Id.ToString())!["health"]!.AsObject();
        Assert.Equal(shown.ToJsonString(), listed.ToJsonString());

        // The call command's signed call counts too, written before the command exits (no writer is running in it).
        (exit, _, error) = await CliAsync("call", store.Id.ToString(), "GET", "/V1/products?searchCriteria[pageSize]=1", "--db", DatabasePath);
        Assert.True(exit == 0, error);
        JsonObject afterCall = await ShownHealthAsync(store.Id);
        Assert.Equal(8, (int)afterCall["callsLastHour"]!);
        Assert.Equal(3, (int)afterCall["failuresLastHour"]!);
        Assert.True(DateTimeOffset.Parse((string)afterCall["lastSuccessAt"]!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.Parse((string)shown["lastFailureAt"]!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_call_that_gets_no_answer_is_a_failure_and_a_store_that_is_not_active_makes_no_call()
    {
        StoreConnection store = await SandboxStores.ActivateAsync(Http, _sandbox, _endpoint.Urls.First(), _store);
        IMagentoClientFactory factory = _endpoint.Services.GetRequiredService<IMagentoClientFactory>();
        using HttpClient client = factory.CreateClient(store.Id);
        await SandboxStores.SetFaultsAsync(Http, _sandbox, "rest:reset:1:1");
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("V1/products?searchCriteria[pageSize]=1"));

        JsonObject shown = await WrittenHealthAsync(store.Id, calls: 1);
        Assert.Equal(1, (int)shown["failuresLastHour"]!);
        Assert.StartsWith("No answer", (string)shown["lastFailure"]!, StringComparison.Ordinal);
        Assert.Null((int?)shown["lastFailureStatus"]);

        // Revoked: the client refuses at once, and that refusal is not a call to the store.
        await _endpoint.Services.GetRequiredService<ConnectionLifecycle>().RevokeAsync(store.Id, store.AccessToken!, "Revoked by the test.", default);
        MagentoOAuthException refused = await Assert.ThrowsAsync<MagentoOAuthException>(() => client.GetAsync("V1/products?searchCriteria[pageSize]=1"));
        Assert.Equal(MagentoProblem.ConnectionNotActive, refused.Problem);
        await _endpoint.Services.GetRequiredService<MagentoOAuth.AspNetCore.Health.StoreHealthTracker>().FlushAsync(default);
        Assert.Equal(1, (int)(await ShownHealthAsync(store.Id))["callsLastHour"]!);
    }
}
