using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace MagentoOAuth.Operations.Tests.Webhooks;

/// <summary>
/// The outbox's promise with real processes: the receiver is down while stores change, and <c>serve</c> is killed with
/// SIGKILL meanwhile; after both come back, every event arrives, once per event id, in order per store, signed.
/// </summary>
public sealed class WebhookCrashTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly string _directory = Directory.CreateTempSubdirectory("magento-oauth-webhook-crash-").FullName;
    private SandboxHost _sandbox = null!;

    private HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    private string Database => Path.Combine(_directory, "magento-oauth.db");

    private string KeyFile => Path.Combine(_directory, "magento-oauth.key");

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxHost.StartAsync();
        EncryptionKey.Resolve(null, KeyFile); // creates the key file both processes use
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await _sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Every_event_arrives_after_a_receiver_outage_and_a_sigkill_of_serve()
    {
        string secretFile = Path.Combine(_directory, "webhook.secret");
        await File.WriteAllTextAsync(secretFile, WebhookDeliveryTests.Secret + "\n");
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        string hook = receiver.Url + "?token=kept-out-of-the-output";

        var first = ServeProcess.Start(WebhookReceiver.FreePort(), Database, KeyFile, TimeSpan.FromSeconds(5), "--webhook", hook, "--webhook-secret-file", secretFile, "--webhook-max-delay", "2s");
        try
        {
            await first.WaitReadyAsync(Http, "Webhooks on");
            Assert.Contains($"Webhooks on: every store transition is posted, signed, to {receiver.Url} ", first.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("kept-out-of-the-output", first.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(WebhookDeliveryTests.Secret, first.Output, StringComparison.Ordinal);

            // A is connected while the receiver is up.
            (int aId, string aKey) = await CreateIntegrationAsync(first.Url, "A");
            await PostAsync($"sandbox/api/integrations/{aId}/activate");
            StoreConnection a = await WaitForStoreAsync(aKey, c => c.Status == StoreStatus.Active);
            await receiver.WaitForAsync(got => got.Any(d => d.StoreId == a.Id.ToString()), Patience, () => first.Output);

            // The receiver goes down; meanwhile A is reauthorized, B replaces it, F fails.
            await receiver.StopAsync();
            await PostAsync($"sandbox/api/integrations/{aId}/reauthorize");
            await WaitForStoreAsync(aKey, c => c.Status == StoreStatus.Active && c.AccessToken != a.AccessToken);
            (int bId, string bKey) = await CreateIntegrationAsync(first.Url, "B");
            await PostAsync($"sandbox/api/integrations/{bId}/activate");
            StoreConnection b = await WaitForStoreAsync(bKey, c => c.Status == StoreStatus.Active);
            await WaitForStoreAsync(aKey, c => c.Status == StoreStatus.Superseded);
            string fKey = Guid.NewGuid().ToString("N");
            using (HttpResponseMessage posted = await Http.PostAsync(first.Url + "/magento/callback", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["oauth_consumer_key"] = fKey, ["oauth_consumer_secret"] = Guid.NewGuid().ToString("N"), ["oauth_verifier"] = Guid.NewGuid().ToString("N"), ["store_base_url"] = _sandbox.BaseUrl.AbsoluteUri,
            })))
            {
                posted.EnsureSuccessStatusCode();
            }

            StoreConnection f = await WaitForStoreAsync(fKey, c => c.Status == StoreStatus.Failed);

            // serve has tried (and failed) to deliver them: then it is killed, with events claimed or waiting.
            await WaitUntilAsync(async () => await OutboxAsync("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND attempts > 0") >= 1);
            // A rotated and superseded, B connected, F failed: stored, not delivered.
            Assert.Equal(4, await OutboxAsync("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL"));
            await first.KillAsync();

            // Both come back.
            await receiver.StartAsync();
            using var second = ServeProcess.Start(WebhookReceiver.FreePort(), Database, KeyFile, TimeSpan.FromSeconds(5), "--webhook", hook, "--webhook-secret-file", secretFile, "--webhook-max-delay", "2s");
            await second.WaitReadyAsync(Http, "Webhooks on");

            var expected = new Dictionary<Guid, string[]>
            {
                [a.Id] = ["connected", "rotated", "superseded"],
                [b.Id] = ["connected"],
                [f.Id] = ["failed"],
            };
            IReadOnlyList<WebhookReceiver.Delivery> events = await receiver.WaitForAsync(
                got => expected.All(e => got.Count(d => d.StoreId == e.Key.ToString()) >= e.Value.Length), Patience, () => second.Output);
            foreach ((Guid store, string[] types) in expected)
            {
                Assert.Equal(types, events.Where(d => d.StoreId == store.ToString()).Select(d => d.Type));
            }

            Assert.Equal(expected.Values.Sum(t => t.Length), events.Count);
            Assert.All(receiver.Accepted, d => Assert.True(d.SignedWith(WebhookDeliveryTests.Secret), d.Text));
            await WaitUntilAsync(async () => await OutboxAsync("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL") == 0);
        }
        finally
        {
            first.Dispose();
        }
    }

    private async Task<(int Id, string ConsumerKey)> CreateIntegrationAsync(string endpoint, string name)
    {
        var body = new JsonObject { ["name"] = name, ["callbackUrl"] = endpoint + "/magento/callback", ["identityLinkUrl"] = endpoint + "/magento/identity" };
        using HttpResponseMessage response = await Http.PostAsync(new Uri(_sandbox.BaseUrl, "sandbox/api/integrations"), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        JsonObject created = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        return ((int)created["id"]!, (string)created["consumerKey"]!);
    }

    private async Task PostAsync(string path)
    {
        using HttpResponseMessage response = await Http.PostAsync(new Uri(_sandbox.BaseUrl, path), null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Reads the store the processes write (SQLite takes readers beside a writer).</summary>
    private async Task<StoreConnection> WaitForStoreAsync(string consumerKey, Func<StoreConnection, bool> done)
    {
        var store = new SqliteCredentialStore(Database, new SecretProtector(EncryptionKey.Resolve(KeyFile, null)));
        StoreConnection? last = null;
        await WaitUntilAsync(async () => (last = await store.FindByConsumerKeyAsync(consumerKey)) is { } c && done(c), () => $"{consumerKey}: {last?.Status} {last?.StatusReason}");
        return last!;
    }

    private async Task<long> OutboxAsync(string sql)
    {
        await using var db = new SqliteConnection($"Data Source={Database};Mode=ReadOnly;Pooling=False");
        await db.OpenAsync();
        await using SqliteCommand command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> done, Func<string>? explain = null)
    {
        DateTime until = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < until)
        {
            if (await done())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("Not reached within " + Patience.TotalSeconds + " s. " + explain?.Invoke());
    }
}
