using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MagentoOAuth.Http;
using MagentoOAuth.ProxyBench;
using MagentoOAuth.Sandbox;

// Signing-proxy load command (issue #12): the same requests to a sandbox store through the proxy (its own process, as
// 'serve' runs it) and directly with a signed HttpClient, in one run, at concurrency 1 and 32; then the proxy process's
// memory over 100,000 proxied requests.
//   dotnet run -c Release --project bench/MagentoOAuth.ProxyBench -- [--requests 5000] [--memory-requests 100000]
// Everything talks to 127.0.0.1 only; every wait is bounded.
if (args.Length == 2 && args[0] == "--proxy")
{
    return await ProxyProcess.RunAsync(args[1]);
}

int requests = Option("--requests", 5000);
int memoryRequests = Option("--memory-requests", 100_000);
string directory = Directory.CreateTempSubdirectory("magento-oauth-proxybench-").FullName;
await using SandboxHost sandbox = await SandboxHost.StartAsync(new SandboxOptions());
using Process proxy = StartProxy(directory);
try
{
    string[] ready = (await proxy.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)))?.Split(' ')
        ?? throw new InvalidOperationException("The proxy process ended before it was ready.");
    string proxyUrl = ready[0], key = ready[1];
    using var admin = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    JsonObject integration = await ConnectAsync(admin, sandbox.BaseUrl, proxyUrl);

    var direct = new HttpClient(new MagentoOAuthHandler(new MagentoOAuthOptions
    {
        ConsumerKey = integration["consumerKey"]!.GetValue<string>(),
        ConsumerSecret = integration["consumerSecret"]!.GetValue<string>(),
        AccessToken = integration["accessToken"]!.GetValue<string>(),
        AccessTokenSecret = integration["accessTokenSecret"]!.GetValue<string>(),
    })
    { InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = false } })
    { BaseAddress = new Uri(sandbox.BaseUrl, "rest/"), Timeout = TimeSpan.FromSeconds(30) };
    var proxied = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false })
    { BaseAddress = new Uri($"{proxyUrl}/proxy/{integration["consumerKey"]!.GetValue<string>()}/rest/"), Timeout = TimeSpan.FromSeconds(30) };
    proxied.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    await WaitUntilProxiedAsync(proxied);

    // Written in portable form, so both clients send the very same bytes (the signed client would rewrite brackets).
    string[] paths = ["V1/store/storeConfigs", "V1/products/24-MB01", "V1/products?searchCriteria%5BpageSize%5D=2&searchCriteria%5BcurrentPage%5D=1"];
    Console.Error.WriteLine("warming up");
    await Load.RunAsync(direct, paths, 8, 2000);
    await Load.RunAsync(proxied, paths, 8, 2000);

    var rows = new StringBuilder();
    rows.AppendLine("| concurrency | client | requests | p50 (ms) | p99 (ms) | requests/s |");
    rows.AppendLine("|---:|---|---:|---:|---:|---:|");
    var summary = new StringBuilder();
    foreach (int concurrency in new[] { 1, 32 })
    {
        int count = concurrency == 1 ? requests : requests * 4;
        Console.Error.WriteLine($"concurrency {concurrency}: {count} requests each");
        (TimeSpan Self, TimeSpan Proxy) cpu = Cpu(proxy);
        Load.Result d = await Load.RunAsync(direct, paths, concurrency, count);
        (TimeSpan Self, TimeSpan Proxy) afterDirect = Cpu(proxy);
        Load.Result p = await Load.RunAsync(proxied, paths, concurrency, count);
        (TimeSpan Self, TimeSpan Proxy) afterProxied = Cpu(proxy);
        double Micros(TimeSpan t) => t.TotalMicroseconds / count;
        summary.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"- concurrency {concurrency}, CPU per request: direct {Micros(afterDirect.Self - cpu.Self):0} µs (load + sandbox process); " +
            $"proxied {Micros(afterProxied.Self - afterDirect.Self):0} µs (load + sandbox) + {Micros(afterProxied.Proxy - afterDirect.Proxy):0} µs (proxy process)"));
        rows.AppendLine(Row(concurrency, "direct (signed HttpClient)", d));
        rows.AppendLine(Row(concurrency, "through the proxy", p));
        summary.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"- concurrency {concurrency}: added p50 {p.P50 - d.P50:0.000} ms, added p99 {p.P99 - d.P99:0.000} ms, proxy throughput {p.Throughput / d.Throughput:0.00}× direct"));
    }

    Console.Error.WriteLine($"memory: {memoryRequests} proxied requests at concurrency 32");
    var memory = new StringBuilder();
    memory.AppendLine("| proxied requests | working set (MB) | GC heap (MB) | allocated, live (MB) |");
    memory.AppendLine("|---:|---:|---:|---:|");
    memory.AppendLine(await MemoryRowAsync(admin, proxyUrl, 0));
    int step = Math.Max(1, memoryRequests / 10);
    for (int done = step; done <= memoryRequests; done += step)
    {
        Load.Result r = await Load.RunAsync(proxied, paths, 32, step);
        if (r.Failures > 0)
        {
            throw new InvalidOperationException($"{r.Failures} proxied requests failed during the memory run.");
        }

        memory.AppendLine(await MemoryRowAsync(admin, proxyUrl, done));
    }

    Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {RuntimeInfo()}");
    Console.WriteLine();
    Console.WriteLine(rows);
    Console.WriteLine(summary);
    Console.WriteLine(memory);
    return 0;
}
finally
{
    proxy.StandardInput.Close();
    if (!proxy.WaitForExit(TimeSpan.FromSeconds(15)))
    {
        proxy.Kill(entireProcessTree: true);
    }

    Directory.Delete(directory, recursive: true);
}

int Option(string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

static string Row(int concurrency, string client, Load.Result r) => string.Create(CultureInfo.InvariantCulture,
    $"| {concurrency} | {client} | {r.Count:N0} | {r.P50:0.000} | {r.P99:0.000} | {r.Throughput:N0} |{(r.Failures > 0 ? $" ({r.Failures} failed)" : "")}");

static (TimeSpan Self, TimeSpan Proxy) Cpu(Process proxy)
{
    proxy.Refresh();
    using Process self = Process.GetCurrentProcess();
    return (self.TotalProcessorTime, proxy.TotalProcessorTime);
}

static string RuntimeInfo() => System.Runtime.GCSettings.IsServerGC ? "server GC" : "workstation GC";

static Process StartProxy(string directory)
{
    // This executable again, in proxy mode: through 'dotnet exec' when run as a .dll.
    string self = typeof(ProxyProcess).Assembly.Location;
    bool viaDotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet";
    var start = new ProcessStartInfo(viaDotnet ? Environment.ProcessPath! : Path.ChangeExtension(self, null))
    {
        RedirectStandardInput = true,
        RedirectStandardOutput = true,
        UseShellExecute = false,
    };
    if (viaDotnet)
    {
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(self);
    }

    start.ArgumentList.Add("--proxy");
    start.ArgumentList.Add(directory);
    return Process.Start(start)!;
}

static async Task<JsonObject> ConnectAsync(HttpClient http, Uri sandbox, string proxyUrl)
{
    var body = new JsonObject { ["name"] = "Proxy bench", ["callbackUrl"] = proxyUrl + "/magento/callback", ["identityLinkUrl"] = proxyUrl + "/magento/identity" };
    using HttpResponseMessage created = await http.PostAsync(new Uri(sandbox, "sandbox/api/integrations"), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
    int id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<int>();
    using HttpResponseMessage activated = await http.PostAsync(new Uri(sandbox, $"sandbox/api/integrations/{id}/activate"), null);
    activated.EnsureSuccessStatusCode();
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < TimeSpan.FromSeconds(60))
    {
        JsonObject integration = JsonNode.Parse(await http.GetStringAsync(new Uri(sandbox, $"sandbox/api/integrations/{id}")))!.AsObject();
        if (integration["accessToken"] is JsonValue)
        {
            return integration;
        }

        await Task.Delay(50);
    }

    throw new TimeoutException("The integration got no access token within 60 s.");
}

static async Task WaitUntilProxiedAsync(HttpClient proxied)
{
    var clock = Stopwatch.StartNew();
    string last = "";
    while (clock.Elapsed < TimeSpan.FromSeconds(60))
    {
        using HttpResponseMessage response = await proxied.GetAsync("V1/store/storeConfigs");
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        await Task.Delay(50);
    }

    throw new TimeoutException($"The proxy did not answer 200 within 60 s; last: {last}");
}

static async Task<string> MemoryRowAsync(HttpClient http, string proxyUrl, int done)
{
    string[] parts = (await http.GetStringAsync(proxyUrl + "/bench/memory")).Split(' ');
    double Mb(string bytes) => long.Parse(bytes, CultureInfo.InvariantCulture) / 1048576.0;
    return string.Create(CultureInfo.InvariantCulture, $"| {done:N0} | {Mb(parts[2]):0.0} | {Mb(parts[1]):0.0} | {Mb(parts[0]):0.0} |");
}
