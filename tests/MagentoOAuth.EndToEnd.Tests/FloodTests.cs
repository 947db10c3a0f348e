using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using MagentoOAuth.AspNetCore;
using MagentoOAuth.AspNetCore.Exchange;
using MagentoOAuth.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace MagentoOAuth.EndToEnd.Tests;

/// <summary>
/// A callback flood: thousands of forged callbacks naming a store that never answers, sent from another address than
/// the real Magento's (the attacker at 127.0.0.2, the sandbox at 127.0.0.1, the hanging store at 127.0.0.3). A real
/// activation made right after must still finish within 10 s of its callback; the queue stays bounded.
/// </summary>
public abstract class FloodTestBase : EndToEndTestBase, IDisposable
{
    protected const int Forgeries = 2000;

    private readonly TcpListener _hanging = new(IPAddress.Parse("127.0.0.3"), 0);

    protected FloodTestBase()
    {
        // Never accepted: connections complete in the backlog and then wait for an answer that never comes.
        _hanging.Start(backlog: 4096);
    }

    protected string HangingStore => $"http://127.0.0.3:{((IPEndPoint)_hanging.LocalEndpoint).Port}/";

    public void Dispose()
    {
        _hanging.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Posts <see cref="Forgeries"/> forged callbacks from 127.0.0.2, 50 at a time; returns the statuses and the Retry-After values seen.</summary>
    protected async Task<(Dictionary<HttpStatusCode, int> Statuses, List<string> RetryAfter)> FloodAsync(Func<int, string> storeOf)
    {
        using var attacker = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
            MaxConnectionsPerServer = 50,
        }) { Timeout = TimeSpan.FromSeconds(30) };
        var statuses = new Dictionary<HttpStatusCode, int>();
        var retryAfter = new List<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Forgeries), new ParallelOptions { MaxDegreeOfParallelism = 50 }, async (i, cancellationToken) =>
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["oauth_consumer_key"] = Guid.NewGuid().ToString("N"),
                ["oauth_consumer_secret"] = Guid.NewGuid().ToString("N"),
                ["oauth_verifier"] = Guid.NewGuid().ToString("N"),
                ["store_base_url"] = storeOf(i),
            });
            using HttpResponseMessage response = await attacker.PostAsync(new Uri(EndpointUrl + "/magento/callback"), form, cancellationToken);
            lock (statuses)
            {
                statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
                if (response.Headers.TryGetValues("Retry-After", out IEnumerable<string>? values))
                {
                    retryAfter.Add(values.First());
                }
            }
        });
        return (statuses, retryAfter);
    }

    /// <summary>Activates a real integration on the sandbox and returns the seconds from its callback to active.</summary>
    protected async Task<double> RealActivationSecondsAsync()
    {
        JsonObject integration = await CreateIntegrationAsync("real merchant");
        var clock = Stopwatch.StartNew();
        await ActivateAsync((int)integration["id"]!);
        StoreConnection active = await WaitForActiveAsync((string)integration["consumerKey"]!);
        Assert.Equal(StoreStatus.Active, active.Status);
        return clock.Elapsed.TotalSeconds;
    }

    protected async Task<int> UnfinishedAtAsync(string storeBaseUrl) =>
        (await Store.ListUnfinishedAsync(Forgeries + 10)).Count(s => s.StoreBaseUrl.StartsWith(storeBaseUrl, StringComparison.Ordinal));

    private protected ExchangeQueue Queue => Endpoint.Services.GetRequiredService<ExchangeQueue>();
}

/// <summary>With the default limits: the flood meets the per-address rate limit (429 with Retry-After) and the per-host cap.</summary>
public sealed class CallbackFloodTests : FloodTestBase
{
    protected override void ConfigureIntegration(MagentoIntegrationOptions options)
    {
        var defaults = new MagentoIntegrationOptions();
        options.CallbackLimitPerAddress = defaults.CallbackLimitPerAddress;
        options.CallbackLimitTotal = defaults.CallbackLimitTotal;
        options.MaxUnfinishedPerStoreHost = defaults.MaxUnfinishedPerStoreHost;
        options.RequestTimeout = defaults.RequestTimeout;
    }

    [Fact]
    public async Task A_flood_at_a_hanging_store_is_answered_429_and_a_real_activation_still_finishes_within_10_s()
    {
        (Dictionary<HttpStatusCode, int> statuses, List<string> retryAfter) = await FloodAsync(i => $"{HangingStore}forged/{i}/");

        int accepted = statuses.GetValueOrDefault(HttpStatusCode.OK);
        Assert.Equal(Forgeries, statuses.Values.Sum());
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.TooManyRequests) >= Forgeries - 60, string.Join(", ", statuses));
        Assert.InRange(accepted, 1, new MagentoIntegrationOptions().MaxUnfinishedPerStoreHost);
        Assert.All(retryAfter, r => Assert.InRange(int.Parse(r, System.Globalization.CultureInfo.InvariantCulture), 1, 60));
        Assert.Equal(statuses[HttpStatusCode.TooManyRequests], retryAfter.Count);
        Assert.Equal(accepted, await UnfinishedAtAsync(HangingStore));
        Assert.True(Queue.Count <= accepted, $"queue holds {Queue.Count}");

        double seconds = await RealActivationSecondsAsync();
        Assert.True(seconds < 10, $"the real activation took {seconds:0.0} s");
    }
}

/// <summary>With the rate limits off (as behind a proxy that hides client addresses): the per-host cap alone holds the flood.</summary>
public sealed class UnlimitedCallbackFloodTests : FloodTestBase
{
    protected override void ConfigureIntegration(MagentoIntegrationOptions options)
    {
        options.CallbackLimitPerAddress = 0;
        options.CallbackLimitTotal = 0;
        options.MaxUnfinishedPerStoreHost = new MagentoIntegrationOptions().MaxUnfinishedPerStoreHost;
        options.RequestTimeout = new MagentoIntegrationOptions().RequestTimeout;
        options.MaxConcurrentExchanges = 8;
    }

    [Fact]
    public async Task The_per_host_cap_holds_the_flood_and_the_real_activation_finishes_within_10_s()
    {
        (Dictionary<HttpStatusCode, int> statuses, _) = await FloodAsync(i => $"{HangingStore}forged/{i}/");

        Assert.Equal(5, statuses.GetValueOrDefault(HttpStatusCode.OK));
        Assert.Equal(Forgeries - 5, statuses.GetValueOrDefault(HttpStatusCode.TooManyRequests));
        Assert.Equal(5, await UnfinishedAtAsync(HangingStore));
        Assert.Equal(5, Queue.CountForHost("127.0.0.3"));

        double seconds = await RealActivationSecondsAsync();
        Assert.True(seconds < 10, $"the real activation took {seconds:0.0} s");

        // The worker releases its queue slot just after storing the activation, so the slot may lag the status a moment.
        var released = Stopwatch.StartNew();
        while (Queue.CountForHost("127.0.0.1") > 0 && released.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, Queue.CountForHost("127.0.0.1"));
    }
}

/// <summary>
/// A burst over many store hosts with the rate limits off: every forgery is stored (80 hosts x the cap of 5) and each
/// hangs for the request timeout, yet the real activation, whose callback comes from its store's own address, gets a
/// slot kept for that lane at once.
/// </summary>
public sealed class ManyHostsFloodTests : EndToEndTestBase, IDisposable
{
    private readonly List<TcpListener> _hanging = [];

    public ManyHostsFloodTests()
    {
        for (int i = 0; i < 80; i++)
        {
            var listener = new TcpListener(IPAddress.Parse($"127.0.3.{i + 1}"), 0);
            listener.Start(backlog: 64); // never accepted
            _hanging.Add(listener);
        }
    }

    protected override void ConfigureIntegration(MagentoIntegrationOptions options)
    {
        options.CallbackLimitPerAddress = 0;
        options.CallbackLimitTotal = 0;
        options.MaxUnfinishedPerStoreHost = new MagentoIntegrationOptions().MaxUnfinishedPerStoreHost;
        options.RequestTimeout = new MagentoIntegrationOptions().RequestTimeout;
        options.MaxConcurrentExchanges = 8;
    }

    public void Dispose()
    {
        _hanging.ForEach(l => l.Dispose());
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_real_activation_gets_a_slot_kept_for_callbacks_from_stores_while_forgeries_hold_the_others()
    {
        var statuses = new Dictionary<HttpStatusCode, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 20 }, async (i, cancellationToken) =>
        {
            var store = (IPEndPoint)_hanging[i % _hanging.Count].LocalEndpoint;
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["oauth_consumer_key"] = Guid.NewGuid().ToString("N"),
                ["oauth_consumer_secret"] = Guid.NewGuid().ToString("N"),
                ["oauth_verifier"] = Guid.NewGuid().ToString("N"),
                ["store_base_url"] = $"http://{store.Address}:{store.Port}/forged/{i}/",
            });
            using HttpResponseMessage response = await Http.PostAsync(new Uri(EndpointUrl + "/magento/callback"), form, cancellationToken);
            lock (statuses)
            {
                statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            }
        });
        Assert.Equal(400, statuses.GetValueOrDefault(HttpStatusCode.OK));
        await Task.Delay(500); // the forgeries now hold every slot their lane may use, for 20 s each

        JsonObject integration = await CreateIntegrationAsync("real merchant");
        var clock = Stopwatch.StartNew();
        await ActivateAsync((int)integration["id"]!);
        await WaitForActiveAsync((string)integration["consumerKey"]!);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the real activation took {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True((await Store.ListUnfinishedAsync(1000)).Count >= 390, "the forgeries are still hanging");
    }
}

/// <summary>Retries wait outside the exchange slots: with one slot, stores failing over and over do not hold it.</summary>
public sealed class RetrySlotTests : EndToEndTestBase
{
    private readonly int _closedPort = ClosedPort();

    protected override void ConfigureIntegration(MagentoIntegrationOptions options)
    {
        options.MaxConcurrentExchanges = 1;
        options.RetryDelay = TimeSpan.FromSeconds(30);
        options.MaxRetryDelay = TimeSpan.FromSeconds(30);
    }

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port; // closed again when the probe is disposed: connections are refused at once
    }

    [Fact]
    public async Task A_store_waiting_for_its_retry_does_not_hold_the_only_exchange_slot()
    {
        var refusing = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            string key = Guid.NewGuid().ToString("N");
            refusing.Add(key);
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["oauth_consumer_key"] = key,
                ["oauth_consumer_secret"] = Guid.NewGuid().ToString("N"),
                ["oauth_verifier"] = Guid.NewGuid().ToString("N"),
                ["store_base_url"] = $"http://localhost:{_closedPort}/refusing/{i}/",
            });
            using HttpResponseMessage response = await Http.PostAsync(new Uri(EndpointUrl + "/magento/callback"), form);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Each has failed once and now waits 30 s for its retry.
        int Retrying() => Logs.Count(l => l.Contains("/refusing/", StringComparison.Ordinal) && l.Contains("retrying in", StringComparison.Ordinal));
        for (int i = 0; i < 400 && Retrying() < 3; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(3, Retrying());

        JsonObject integration = await CreateIntegrationAsync("real merchant");
        var clock = Stopwatch.StartNew();
        await ActivateAsync((int)integration["id"]!);
        await WaitForActiveAsync((string)integration["consumerKey"]!);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the real activation took {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.All(refusing, key => Assert.Equal(StoreStatus.Pending, Store.FindByConsumerKeyAsync(key).Result!.Status));
    }
}
