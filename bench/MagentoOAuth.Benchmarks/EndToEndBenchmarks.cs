using BenchmarkDotNet.Attributes;
using MagentoOAuth.Http;
using MagentoOAuth.Sandbox;

namespace MagentoOAuth.Benchmarks;

/// <summary>
/// What signing adds to a real call: the same GET through HttpClient to the sandbox on loopback, with and without the
/// signing handler, 256 requests 32 at a time (full load on this machine). The target is the sandbox's home page, which
/// ignores the Authorization header, so the server does the same work either way and the difference is the client's.
/// </summary>
[MemoryDiagnoser]
public class EndToEndBenchmarks
{
    private const int Requests = 256;
    private const int Concurrency = 32;

    private SandboxHost _sandbox = null!;
    private HttpClient _plain = null!;
    private HttpClient _signed = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sandbox = SandboxHost.StartAsync().GetAwaiter().GetResult();
        _plain = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency }) { BaseAddress = _sandbox.BaseUrl };
        _signed = new HttpClient(new MagentoOAuthHandler(new MagentoOAuthOptions
        {
            ConsumerKey = "ck0123456789abcdefghijklmnopqrst",
            ConsumerSecret = "cs0123456789abcdefghijklmnopqrst",
            AccessToken = "at0123456789abcdefghijklmnopqrst",
            AccessTokenSecret = "ts0123456789abcdefghijklmnopqrst",
        }) { InnerHandler = new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency } })
        { BaseAddress = _sandbox.BaseUrl };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _signed.Dispose();
        _sandbox.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Requests)]
    public Task UnsignedGet() => RunAsync(_plain);

    [Benchmark(OperationsPerInvoke = Requests)]
    public Task SignedGet() => RunAsync(_signed);

    private static async Task RunAsync(HttpClient client)
    {
        int next = 0;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= Requests)
            {
                using HttpResponseMessage response = await client.GetAsync("?searchCriteria%5BpageSize%5D=5");
                response.EnsureSuccessStatusCode();
            }
        }));
    }
}
