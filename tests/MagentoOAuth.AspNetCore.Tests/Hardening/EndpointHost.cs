using System.Net;
using MagentoOAuth.AspNetCore.Network;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.AspNetCore.Tests.Hardening;

/// <summary>
/// The integration endpoint as an app would host it, on 127.0.0.1 over real HTTP, with in-memory storage and a resolver
/// the test scripts (the way a rebinding attacker's DNS answers). Private stores are refused, as in production.
/// </summary>
internal sealed class EndpointHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EndpointHost(WebApplication app, InMemoryCredentialStore store, ScriptedResolver resolver)
    {
        _app = app;
        Store = store;
        Resolver = resolver;
    }

    public InMemoryCredentialStore Store { get; }

    public ScriptedResolver Resolver { get; }

    public HttpClient Http { get; } = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { Timeout = TimeSpan.FromSeconds(30) };

    public Uri Url => new(_app.Urls.First() + "/");

    public static async Task<EndpointHost> StartAsync(Action<MagentoIntegrationOptions>? configure = null, Func<InMemoryCredentialStore, Task>? seed = null, bool exchange = true)
    {
        var store = new InMemoryCredentialStore();
        if (seed is not null)
        {
            await seed(store);
        }

        var resolver = new ScriptedResolver();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddMagentoStorage(store);
        builder.Services.AddDataProtection();
        builder.Services.AddMagentoIntegration(o =>
        {
            o.RetryDelay = TimeSpan.FromMilliseconds(50);
            o.ScanInterval = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(o);
        });
        builder.Services.Replace(ServiceDescriptor.Singleton<StoreAddressResolver>(resolver));
        if (!exchange)
        {
            // Accepted callbacks stay stored and are never exchanged: nothing leaves loopback, whatever the store URL.
            builder.Services.RemoveAll<Microsoft.Extensions.Hosting.IHostedService>();
        }

        WebApplication app = builder.Build();
        app.MapMagentoIntegration();
        await app.StartAsync();
        return new EndpointHost(app, store, resolver);
    }

    public Task<HttpResponseMessage> PostCallbackAsync(string storeBaseUrl, string? consumerKey = null) =>
        Http.PostAsync(new Uri(Url, "magento/callback"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["oauth_consumer_key"] = consumerKey ?? Key(),
            ["oauth_consumer_secret"] = Key(),
            ["oauth_verifier"] = Key(),
            ["store_base_url"] = storeBaseUrl,
        }));

    public static string Key() => Guid.NewGuid().ToString("N");

    /// <summary>Waits (at most 30 s) until the connection of <paramref name="consumerKey"/> satisfies <paramref name="done"/>.</summary>
    public async Task<StoreConnection> WaitForAsync(string consumerKey, Func<StoreConnection, bool> done)
    {
        DateTime until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        StoreConnection? last = null;
        while (DateTime.UtcNow < until)
        {
            last = await Store.FindByConsumerKeyAsync(consumerKey);
            if (last is not null && done(last))
            {
                return last;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"{consumerKey}: last {last?.Status} {last?.Step} {last?.StatusReason}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Answers each host from a script: one answer per lookup, the last repeated.</summary>
    internal sealed class ScriptedResolver : StoreAddressResolver
    {
        private readonly Dictionary<string, Queue<IPAddress[]>> _answers = new(StringComparer.OrdinalIgnoreCase);

        public int Lookups { get; private set; }

        public void Answer(string host, params IPAddress[][] answers)
        {
            lock (_answers)
            {
                _answers[host] = new Queue<IPAddress[]>(answers);
            }
        }

        public override Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
        {
            lock (_answers)
            {
                Lookups++;
                if (!_answers.TryGetValue(host, out Queue<IPAddress[]>? queue) || queue.Count == 0)
                {
                    throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound);
                }

                return Task.FromResult(queue.Count > 1 ? queue.Dequeue() : queue.Peek());
            }
        }
    }
}
