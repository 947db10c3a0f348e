using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace MagentoOAuth.Reliability.Tests;

/// <summary>Injected failures on Magento's side: each recovered within the expiry window, or a clear failed state when impossible.</summary>
public sealed class FaultRecoveryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("magento-oauth-faults-").FullName;
    private ICredentialStore[] _stores = [];

    public async Task InitializeAsync()
    {
        var protector = new SecretProtector(RandomNumberGenerator.GetBytes(32));
        string path = Path.Combine(_directory, "magento-oauth.db");
        _stores = [await SqliteCredentialStore.OpenAsync(path, protector), await SqliteCredentialStore.OpenAsync(path, protector)];
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Token_endpoints_answering_503_for_seconds_delay_activations_and_never_fail_or_repeat_them()
    {
        await using ReliabilityHarness harness = await ReliabilityHarness.StartAsync(_stores);
        List<JsonObject> integrations = await harness.CreateIntegrationsAsync(100);
        await PutFaultsAsync(harness, "request:error=503:1", "access:error=503:1");

        var clock = Stopwatch.StartNew();
        List<JsonObject> activations = await harness.ActivateAllAsync(integrations, 50);
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.DoesNotContain(await _stores[0].ListAllAsync(), s => s.Status == StoreStatus.Active);
        await PutFaultsAsync(harness);

        Dictionary<string, StoreConnection> settled = await ReliabilityHarness.WaitSettledAsync(_stores[0], Keys(integrations));
        clock.Stop();

        Assert.All(settled.Values, s => Assert.Equal(StoreStatus.Active, s.Status));
        Assert.Equal(0, await harness.RepeatedRequestTokensAsync());
        Report($"503 on both token endpoints for 4 s: 100 of 100 active after {clock.Elapsed.TotalSeconds:0.0} s, none failed, repeated request tokens 0");
    }

    [Fact]
    public async Task Resets_slow_answers_and_timeouts_are_retried_until_every_store_is_active()
    {
        await using ReliabilityHarness harness = await ReliabilityHarness.StartAsync(_stores, configure: o => o.RequestTimeout = TimeSpan.FromSeconds(2));
        List<JsonObject> integrations = await harness.CreateIntegrationsAsync(100);
        await PutFaultsAsync(harness, "request:reset:0.3", "access:reset:0.3", "*:slow=400:0.2", "rest:error=500:0.3", "request:timeout:0.05:5");

        var clock = Stopwatch.StartNew();
        await harness.ActivateAllAsync(integrations, 50);
        Dictionary<string, StoreConnection> settled = await ReliabilityHarness.WaitSettledAsync(_stores[0], Keys(integrations));
        clock.Stop();

        Assert.All(settled.Values, s => Assert.Equal(StoreStatus.Active, s.Status));
        Assert.Equal(0, await harness.RepeatedRequestTokensAsync());
        Report($"resets 30%, slow 20%, REST 500s 30%, 5 timeouts: 100 of 100 active after {clock.Elapsed.TotalSeconds:0.0} s, repeated request tokens 0");
    }

    [Fact]
    public async Task A_store_unreachable_until_its_consumer_expires_ends_failed_with_the_reason()
    {
        await using ReliabilityHarness harness = await ReliabilityHarness.StartAsync(_stores, configure: o => o.ConsumerExpiry = TimeSpan.FromSeconds(3));
        List<JsonObject> integrations = await harness.CreateIntegrationsAsync(5);
        await PutFaultsAsync(harness, "request:error=503:1");

        await harness.ActivateAllAsync(integrations, 5);
        Dictionary<string, StoreConnection> settled = await ReliabilityHarness.WaitSettledAsync(_stores[0], Keys(integrations));

        Assert.All(settled.Values, s =>
        {
            Assert.Equal(StoreStatus.Failed, s.Status);
            Assert.Contains("before the consumer expired", s.StatusReason, StringComparison.Ordinal);
            Assert.Contains("Reauthorize", s.StatusReason, StringComparison.Ordinal);
        });
        Report("request token endpoint down past a 3 s consumer expiry: 5 of 5 failed with the reason and the fix (Reauthorize)");
    }

    private static List<string> Keys(List<JsonObject> integrations) => integrations.Select(i => (string)i["consumerKey"]!).ToList();

    private static async Task PutFaultsAsync(ReliabilityHarness harness, params string[] faults)
    {
        string body = new JsonArray(faults.Select(f => (JsonNode)JsonValue.Create(f)).ToArray()).ToJsonString();
        using HttpResponseMessage response = await harness.Http.PutAsync(new Uri(harness.Sandbox.BaseUrl, "sandbox/api/faults"), new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    private void Report(string line)
    {
        output.WriteLine(line);
        ReliabilityReport.Add(line);
    }
}
