using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MagentoOAuth.Cli.Commands;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Reliability.Tests;

/// <summary>
/// A sandbox standing in for many merchants (each integration its own store) and several endpoint instances sharing
/// one database, all on loopback; activations issued at a bounded concurrency, every wait bounded.
/// </summary>
public sealed class ReliabilityHarness : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    private readonly List<WebApplication> _instances = [];

    private ReliabilityHarness(SandboxHost sandbox) => Sandbox = sandbox;

    public SandboxHost Sandbox { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public IReadOnlyList<string> InstanceUrls => _instances.Select(i => i.Urls.First()).ToList();

    /// <summary>Starts the sandbox and one in-process endpoint per store (each instance its own store object, as separate processes would have).</summary>
    public static async Task<ReliabilityHarness> StartAsync(IReadOnlyList<ICredentialStore> stores, SandboxOptions? sandbox = null, Action<MagentoOAuth.AspNetCore.MagentoIntegrationOptions>? configure = null)
    {
        SandboxOptions options = sandbox ?? new SandboxOptions();
        options.SeparateStores = true;
        var harness = new ReliabilityHarness(await SandboxHost.StartAsync(options));
        foreach (ICredentialStore store in stores)
        {
            WebApplication app = ServeCommand.Build(store, "http://127.0.0.1:0", o =>
            {
                o.AllowPrivateStores = true;
                o.RetryDelay = TimeSpan.FromMilliseconds(200);
                o.MaxRetryDelay = TimeSpan.FromSeconds(2);
                o.ClaimLease = TimeSpan.FromSeconds(5);
                o.ScanInterval = TimeSpan.FromSeconds(1);
                o.CallbackLimitPerAddress = 0; // every callback of the load comes from 127.0.0.1
                o.CallbackLimitTotal = 0;
                o.MaxUnfinishedPerStoreHost = 100_000;
                configure?.Invoke(o);
            }, LogLevel.Error);
            await app.StartAsync();
            harness._instances.Add(app);
        }

        return harness;
    }

    private SandboxCalls Calls => new(Sandbox, Http);

    public Task<List<JsonObject>> CreateIntegrationsAsync(int count, IReadOnlyList<string>? instanceUrls = null) => Calls.CreateIntegrationsAsync(count, instanceUrls ?? InstanceUrls);

    public Task<List<JsonObject>> ActivateAllAsync(IEnumerable<JsonObject> integrations, int concurrency) => Calls.ActivateAllAsync(integrations, concurrency);

    public Task<int> RepeatedRequestTokensAsync() => Calls.RepeatedRequestTokensAsync();

    /// <summary>Waits (bounded) until none of <paramref name="consumerKeys"/> is pending or exchanging; returns their records.</summary>
    public static async Task<Dictionary<string, StoreConnection>> WaitSettledAsync(ICredentialStore store, IReadOnlyCollection<string> consumerKeys)
    {
        var keys = consumerKeys.ToHashSet();
        DateTime until = DateTime.UtcNow + Patience;
        Dictionary<string, StoreConnection> found = [];
        while (DateTime.UtcNow < until)
        {
            found = (await store.ListAllAsync()).Where(s => keys.Contains(s.ConsumerKey)).ToDictionary(s => s.ConsumerKey);
            if (found.Count == keys.Count && found.Values.All(s => s.Status is not (StoreStatus.Pending or StoreStatus.Exchanging)))
            {
                return found;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Not settled within {Patience}: {found.Count} of {keys.Count} stored, " +
            $"{found.Values.Count(s => s.Status is StoreStatus.Pending or StoreStatus.Exchanging)} still exchanging.");
    }

    public static string Percentiles(IEnumerable<double> milliseconds)
    {
        double[] sorted = milliseconds.Order().ToArray();
        double At(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"p50 {At(0.50):0.0} ms, p99 {At(0.99):0.0} ms, max {sorted.LastOrDefault():0.0} ms");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        foreach (WebApplication app in _instances)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        await Sandbox.DisposeAsync();
    }

    /// <summary>The sandbox API calls the reliability tests make, usable with in-process or separate-process instances.</summary>
    internal sealed class SandboxCalls(SandboxHost Sandbox, HttpClient Http)
    {
        /// <summary>Creates <paramref name="count"/> integrations; integration i calls back instance i mod n, its identity link is on the next instance.</summary>
        public async Task<List<JsonObject>> CreateIntegrationsAsync(int count, IReadOnlyList<string> urls)
        {
            var created = new List<JsonObject>(count);
            for (int i = 0; i < count; i++)
            {
                var body = new JsonObject
                {
                    ["name"] = "store " + i,
                    ["callbackUrl"] = urls[i % urls.Count] + "/magento/callback",
                    ["identityLinkUrl"] = urls[(i + 1) % urls.Count] + "/magento/identity",
                };
                using HttpResponseMessage response = await Http.PostAsync(new Uri(Sandbox.BaseUrl, "sandbox/api/integrations"), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
                created.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
            }

            return created;
        }

        /// <summary>Clicks Activate on every integration, at most <paramref name="concurrency"/> at once; returns each activation's answer.</summary>
        public async Task<List<JsonObject>> ActivateAllAsync(IEnumerable<JsonObject> integrations, int concurrency)
        {
            using var slots = new SemaphoreSlim(concurrency);
            var results = await Task.WhenAll(integrations.Select(async integration =>
            {
                await slots.WaitAsync();
                try
                {
                    using HttpResponseMessage response = await Http.PostAsync(new Uri(Sandbox.BaseUrl, $"sandbox/api/integrations/{(int)integration["id"]!}/activate"), null);
                    return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
                }
                finally
                {
                    slots.Release();
                }
            }));
            return [.. results];
        }

        /// <summary>How many request tokens the sandbox refused as repeats (a second /request in one activation).</summary>
        public async Task<int> RepeatedRequestTokensAsync()
        {
            JsonArray integrations = JsonNode.Parse(await Http.GetStringAsync(new Uri(Sandbox.BaseUrl, "sandbox/api/integrations")))!.AsArray();
            return integrations.Sum(i => (int?)i!["refusals"]![RepeatedRequestRefusal] ?? 0);
        }

        /// <summary>The same refusals per consumer key, for the consumers that had any.</summary>
        public async Task<Dictionary<string, int>> RepeatedRequestTokensByConsumerAsync()
        {
            JsonArray integrations = JsonNode.Parse(await Http.GetStringAsync(new Uri(Sandbox.BaseUrl, "sandbox/api/integrations")))!.AsArray();
            return integrations
                .Select(i => (Key: (string)i!["consumerKey"]!, Count: (int?)i["refusals"]![RepeatedRequestRefusal] ?? 0))
                .Where(r => r.Count > 0)
                .ToDictionary(r => r.Key, r => r.Count);
        }

        private const string RepeatedRequestRefusal = "Cannot create request token because consumer token is not a verifier token";
    }
}
