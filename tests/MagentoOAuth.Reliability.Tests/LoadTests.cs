using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.PostgreSql;
using MagentoOAuth.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace MagentoOAuth.Reliability.Tests;

/// <summary>1,000 activations at a concurrency of 100 against two instances sharing one database: all active, none duplicated, none lost.</summary>
public sealed class LoadTests(ITestOutputHelper output)
{
    private const int Activations = 1000;
    private const int Concurrency = 100;

    [Fact]
    public async Task A_thousand_activations_on_two_instances_sharing_sqlite()
    {
        string directory = Directory.CreateTempSubdirectory("magento-oauth-load-").FullName;
        try
        {
            var protector = new SecretProtector(RandomNumberGenerator.GetBytes(32));
            string path = Path.Combine(directory, "magento-oauth.db");
            ICredentialStore[] stores = [await SqliteCredentialStore.OpenAsync(path, protector), await SqliteCredentialStore.OpenAsync(path, protector)];
            await RunAsync("SQLite", stores);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_thousand_activations_on_two_instances_sharing_postgresql()
    {
        await using ThrowawayPostgres server = await ThrowawayPostgres.StartAsync();
        string url = await server.CreateDatabaseAsync();
        var protector = new SecretProtector(RandomNumberGenerator.GetBytes(32));
        await using PostgreSqlCredentialStore a = await PostgreSqlCredentialStore.OpenAsync(url, protector);
        await using PostgreSqlCredentialStore b = await PostgreSqlCredentialStore.OpenAsync(url, protector);
        await RunAsync("PostgreSQL", [a, b]);
    }

    private async Task RunAsync(string database, ICredentialStore[] stores)
    {
        await using ReliabilityHarness harness = await ReliabilityHarness.StartAsync(stores);
        List<JsonObject> integrations = await harness.CreateIntegrationsAsync(Activations);

        var clock = Stopwatch.StartNew();
        List<JsonObject> activations = await harness.ActivateAllAsync(integrations, Concurrency);
        Dictionary<string, StoreConnection> settled = await ReliabilityHarness.WaitSettledAsync(stores[0], integrations.Select(i => (string)i["consumerKey"]!).ToList());
        clock.Stop();

        Assert.All(activations, a => Assert.Equal(200, (int?)a["callbackStatus"]));
        Assert.Equal(Activations, (await stores[1].ListAllAsync()).Count);
        Assert.Equal(Activations, settled.Values.Count(s => s.Status == StoreStatus.Active));
        Assert.Equal(0, await harness.RepeatedRequestTokensAsync());

        // The identity page works on the instance that did not receive the callback.
        foreach (JsonObject activation in activations.Take(10))
        {
            string page = await harness.Http.GetStringAsync((string)activation["identityLinkUrl"]!);
            Assert.Contains("Connected", page, StringComparison.Ordinal);
        }

        string summary = string.Create(CultureInfo.InvariantCulture,
            $"{database}: {Activations} activations, concurrency {Concurrency}, 2 instances: all active in {clock.Elapsed.TotalSeconds:0.0} s " +
            $"({Activations / clock.Elapsed.TotalSeconds:0} activations/s); callback latency {ReliabilityHarness.Percentiles(activations.Select(a => (double)a["callbackMilliseconds"]!))}; " +
            $"lost 0, duplicated 0, repeated request tokens 0");
        output.WriteLine(summary);
        ReliabilityReport.Add(summary);
    }
}
