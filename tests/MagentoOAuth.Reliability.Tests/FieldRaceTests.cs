using System.Globalization;
using System.Text.Json.Nodes;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Sandbox.Faults;
using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.PostgreSql;

namespace MagentoOAuth.Reliability.Tests;

/// <summary>
/// The race an operator found in the field (issue #9): three stores with eight integrations each, all activated at
/// once on two <c>serve</c> processes sharing PostgreSQL, one of them SIGKILLed mid-way. Before the one-owner lifecycle,
/// one store ended with no active connection, every integration revoked as "superseded". Now each store ends with
/// exactly one active connection, the newest activation that verified; the others are superseded by a newer one.
/// </summary>
public sealed class FieldRaceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Stores = 3;
    private const int IntegrationsPerStore = 8;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    private readonly string _directory = Directory.CreateTempSubdirectory("magento-oauth-race-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Three_stores_times_eight_integrations_on_two_instances_one_killed_each_end_with_the_newest_active()
    {
        await using ThrowawayPostgres server = await ThrowawayPostgres.StartAsync();
        string database = await server.CreateDatabaseAsync();
        string keyFile = Path.Combine(_directory, "magento-oauth.key");
        byte[] key = EncryptionKey.Resolve(null, keyFile);

        // One sandbox per store (each its own base URL); token answers take 150 ms so exchanges are in flight at the kill.
        var sandboxes = new List<SandboxHost>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var survivor = ServeProcess.Start(ServeProcess.FreePort(), database, keyFile, Lease);
        var victim = ServeProcess.Start(ServeProcess.FreePort(), database, keyFile, Lease);
        try
        {
            for (int s = 0; s < Stores; s++)
            {
                var options = new SandboxOptions();
                options.Faults.Add(SandboxFault.Parse("request:slow=150:1"));
                options.Faults.Add(SandboxFault.Parse("access:slow=150:1"));
                sandboxes.Add(await SandboxHost.StartAsync(options));
            }

            await Task.WhenAll(survivor.WaitReadyAsync(http), victim.WaitReadyAsync(http));
            string[] instances = [victim.Url, survivor.Url];
            var perStore = new List<(ReliabilityHarness.SandboxCalls Calls, List<JsonObject> Integrations)>();
            foreach (SandboxHost sandbox in sandboxes)
            {
                var calls = new ReliabilityHarness.SandboxCalls(sandbox, http);
                perStore.Add((calls, await calls.CreateIntegrationsAsync(IntegrationsPerStore, instances)));
            }

            // Every integration of every store activated at once; half call back the instance about to die, which is
            // killed once it has stored one of them (at least 250 ms in, so exchanges are in flight), bounded.
            var victimKeys = perStore.SelectMany(p => p.Integrations).Where(i => ((string)i["callbackUrl"]!).StartsWith(victim.Url, StringComparison.Ordinal)).Select(i => (string)i["consumerKey"]!).ToHashSet();
            await using PostgreSqlCredentialStore store = await PostgreSqlCredentialStore.OpenAsync(database, new SecretProtector(key));
            Task<List<JsonObject>[]> activating = Task.WhenAll(perStore.Select(p => p.Calls.ActivateAllAsync(p.Integrations, IntegrationsPerStore)));
            await Task.Delay(250);
            for (int i = 0; i < 500 && !(await store.ListAllAsync()).Any(c => victimKeys.Contains(c.ConsumerKey)); i++)
            {
                await Task.Delay(20);
            }

            await victim.KillAsync();
            List<JsonObject> activations = [.. (await activating.WaitAsync(ReliabilityHarness.Patience)).SelectMany(a => a)];

            var delivered = activations.Where(a => (int?)a["callbackStatus"] == 200).Select(a => (string)a["oauthConsumerKey"]!).ToList();
            Dictionary<string, StoreConnection> settled = await ReliabilityHarness.WaitSettledAsync(store, delivered);

            var lines = new List<string>();
            foreach (SandboxHost sandbox in sandboxes)
            {
                string url = sandbox.BaseUrl.AbsoluteUri;
                IReadOnlyList<StoreConnection> rows = await store.FindByStoreBaseUrlAsync(url);
                Assert.All(rows, r => Assert.NotEqual(StoreStatus.Revoked, r.Status));

                // Only a store killed between Magento's answer and its record may fail, and it says so.
                Assert.All(rows.Where(r => r.Status == StoreStatus.Failed), r => Assert.Contains("was not recorded", r.StatusReason, StringComparison.Ordinal));
                var verified = rows.Where(r => r.Status is StoreStatus.Active or StoreStatus.Superseded).ToList();
                Assert.NotEmpty(verified);

                StoreConnection newest = verified.MaxBy(r => (r.ReceivedAt.UtcTicks, r.Id.ToString()), Newer.Instance)!;
                StoreConnection active = Assert.Single(rows, r => r.Status == StoreStatus.Active);
                Assert.Equal(newest.Id, active.Id);
                foreach (StoreConnection loser in verified.Where(r => r.Status == StoreStatus.Superseded))
                {
                    // Superseded by a newer connection of the same store (the winner, or one the winner superseded later).
                    StoreConnection by = Assert.Single(verified, r => r.Id == loser.SupersededBy);
                    Assert.True(Newer.Instance.Compare((by.ReceivedAt.UtcTicks, by.Id.ToString()), (loser.ReceivedAt.UtcTicks, loser.Id.ToString())) > 0, $"{loser.Id} superseded by an older {by.Id}");
                }

                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{rows.Count} delivered, 1 active, {verified.Count - 1} superseded, {rows.Count(r => r.Status == StoreStatus.Failed)} failed"));
            }

            // The kill mattered: the dying instance had accepted activations, whose exchanges the survivor took over.
            int toVictim = delivered.Count(victimKeys.Contains);
            Assert.True(toVictim > 0, "no callback reached the instance before it was killed");
            string summary = $"field race: {Stores} stores × {IntegrationsPerStore} integrations activated at once on 2 serve processes sharing PostgreSQL, one SIGKILLed after 250 ms " +
                $"({delivered.Count} of {activations.Count} callbacks delivered, {toVictim} of them to the killed instance): per store {string.Join("; ", lines)}; revoked 0, stores without an active connection 0";
            output.WriteLine(summary);
            ReliabilityReport.Add(summary);
        }
        finally
        {
            victim.Dispose();
            foreach (SandboxHost sandbox in sandboxes)
            {
                await sandbox.DisposeAsync();
            }
        }
    }

    /// <summary>Supersession order as the lifecycle defines it: later credential POST, then the id compared ordinally.</summary>
    private sealed class Newer : IComparer<(long Ticks, string Id)>
    {
        public static readonly Newer Instance = new();

        public int Compare((long Ticks, string Id) x, (long Ticks, string Id) y)
        {
            int byTime = x.Ticks.CompareTo(y.Ticks);
            return byTime != 0 ? byTime : string.CompareOrdinal(x.Id, y.Id);
        }
    }
}
