using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Scale;
using MagentoOAuth.Tests.Infrastructure;

// Fleet-scale load command (issue #9): for each N and backend, fill a database with N stores, then measure
// 'magento-oauth serve' and 'magento-oauth stores' on it as separate processes, the way an operator runs them.
//   dotnet run -c Release --project bench/MagentoOAuth.Scale -- [--count 10000,100000] [--backend sqlite,postgres]
//                                                               [--idle-seconds 60] [--requests 2000] [--callback-rate 50] [--cli PATH]
// --cli takes the built .dll (run with 'dotnet exec', as the .NET tool runs) or the native executable of 'dotnet publish -r'.
// Everything talks to 127.0.0.1 only; every wait is bounded.
var settings = Settings.Parse(args);
string cli = settings.Cli ?? Path.Combine(AppContext.BaseDirectory, "cli", "magento-oauth.dll");
if (!File.Exists(cli))
{
    Console.Error.WriteLine($"scale: the CLI is not at {cli}; build it first (dotnet build -c Release src/MagentoOAuth.Cli -o {Path.GetDirectoryName(cli)}) or pass --cli.");
    return 2;
}

await using SandboxHost sandbox = await SandboxHost.StartAsync(new SandboxOptions());
ThrowawayPostgres? postgres = settings.Backends.Contains("postgres") ? await ThrowawayPostgres.StartAsync() : null;
var rows = new List<string>();
try
{
    foreach (int count in settings.Counts)
    {
        foreach (string backend in settings.Backends)
        {
            Console.Error.WriteLine($"== {backend}, {count:N0} stores");
            string directory = Directory.CreateTempSubdirectory("magento-oauth-scale-").FullName;
            try
            {
                string database = backend == "postgres" ? await postgres!.CreateDatabaseAsync() : Path.Combine(directory, "magento-oauth.db");
                byte[] key = RandomNumberGenerator.GetBytes(32);
                var seedClock = Stopwatch.StartNew();
                var samples = await Seeder.SeedAsync(database, key, count, Console.Error);
                Console.Error.WriteLine($"  seeded in {seedClock.Elapsed.TotalSeconds:0.0} s");
                var run = new Measurement(cli, database, key, directory, sandbox.BaseUrl, settings);
                rows.Add($"| {backend} | {count:N0} | {await run.RunAsync(samples)} |");
                Console.Error.WriteLine(rows[^1]);
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
finally
{
    if (postgres is not null)
    {
        await postgres.DisposeAsync();
    }
}

Console.WriteLine("| backend | stores | start to listening | expired backlog failed in | RSS after load | idle CPU (1 core) | status p50 / p99 | callback p50 / p99 | saturated callbacks (rate, p50 / p99) | `stores list --json` (time, peak RSS, rows) | `stores show` |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
rows.ForEach(Console.WriteLine);
return 0;

internal sealed record Settings(int[] Counts, string[] Backends, int IdleSeconds, int Requests, double CallbackRate, string? Cli)
{
    public static Settings Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        return new Settings(
            (Value("--count") ?? "10000,100000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
            (Value("--backend") ?? "sqlite,postgres").Split(','),
            int.Parse(Value("--idle-seconds") ?? "60", CultureInfo.InvariantCulture),
            int.Parse(Value("--requests") ?? "2000", CultureInfo.InvariantCulture),
            double.Parse(Value("--callback-rate") ?? "50", CultureInfo.InvariantCulture),
            Value("--cli"));
    }
}

internal sealed class Measurement(string cli, string database, byte[] keyBytes, string directory, Uri sandbox, Settings settings)
{
    private readonly string _key = Convert.ToBase64String(keyBytes);
    private readonly byte[] _keyBytes = keyBytes;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    public async Task<string> RunAsync(IReadOnlyList<MagentoOAuth.Storage.StoreConnection> samples)
    {
        int port = FreePort();
        var clock = Stopwatch.StartNew();
        using Process serve = Start(["serve", "--urls", $"http://127.0.0.1:{port}", "--db", database, "--allow-private-stores", "--callback-limit", "0", "--callback-limit-total", "0", "--max-unfinished-per-host", "1000000"], redirect: true);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30), BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        string known = samples[0].ConsumerKey;
        await UntilAsync(async () =>
        {
            try
            {
                using var r = await http.GetAsync($"magento/identity/status?oauth_consumer_key={known}");
                return r.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        });
        double startSeconds = clock.Elapsed.TotalSeconds;

        // The seeded 1% of activations whose consumer expired long ago: serve fails them on start, in the background.
        // Measured, then waited for, so the figures below are the steady state (a start after a crash is the former).
        await UntilAsync(async () => await Seeder.CountUnfinishedAsync(database, _keyBytes) == 0, TimeSpan.FromMilliseconds(100));
        double backlogSeconds = clock.Elapsed.TotalSeconds - startSeconds;

        // Warm-up, not counted: the first requests JIT the endpoint, the exchange and the HTTP stack.
        await TimeAsync(100, 4, i => StatusAsync(http, samples[i % samples.Count].ConsumerKey));
        await TimeAsync(20, 4, _ => CallbackAsync(http));

        // Identity status: what the merchant's popup polls, for stores picked across the whole table.
        var status = await TimeAsync(settings.Requests, 4, i => StatusAsync(http, samples[i % samples.Count].ConsumerKey));

        // Callbacks: new integrations (the sandbox does not know them, so each exchange fails fast after the answer).
        // At a fixed arrival rate (open loop): the latency a merchant's Magento sees while others activate too.
        var callback = await AtRateAsync(settings.Requests / 4, settings.CallbackRate, () => CallbackAsync(http));

        // Saturated (closed loop, 4 at a time, each callback's exchange competing for the same 2 cores): the throughput.
        var saturatedClock = Stopwatch.StartNew();
        var saturated = await TimeAsync(settings.Requests / 4, 4, _ => CallbackAsync(http));
        double perSecond = settings.Requests / 4 / saturatedClock.Elapsed.TotalSeconds;

        // Idle: let the callbacks' exchanges end, then count CPU over the idle window.
        await Task.Delay(TimeSpan.FromSeconds(5));
        (long ticksBefore, _) = Proc(serve.Id);
        await Task.Delay(TimeSpan.FromSeconds(settings.IdleSeconds));
        (long ticksAfter, long rssKb) = Proc(serve.Id);
        double idleCpu = (ticksAfter - ticksBefore) / 100.0 / settings.IdleSeconds * 100;
        serve.Kill(entireProcessTree: true);
        await serve.WaitForExitAsync().WaitAsync(Patience);

        var (listSeconds, listPeakKb, listRows) = await TimedProcessAsync(["stores", "list", "--json", "--db", database]);
        var showTimes = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            showTimes.Add((await TimedProcessAsync(["stores", "show", samples[(i * 7) % samples.Count].StoreBaseUrl, "--db", database])).Seconds);
        }

        showTimes.Sort();
        return $"{startSeconds:0.00} s | {backlogSeconds:0.0} s | {rssKb / 1024.0:0} MB | {idleCpu:0.0}% | {status.P50:0.0} / {status.P99:0.0} ms | {callback.P50:0.0} / {callback.P99:0.0} ms | {perSecond:0}/s, {saturated.P50:0.0} / {saturated.P99:0.0} ms | " +
               $"{listSeconds:0.0} s, {listPeakKb / 1024.0:0} MB, {listRows:N0} lines | {showTimes[2] * 1000:0} ms";
    }

    private static string Random32() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static async Task StatusAsync(HttpClient http, string consumerKey)
    {
        using var r = await http.GetAsync($"magento/identity/status?oauth_consumer_key={consumerKey}");
        r.EnsureSuccessStatusCode();
    }

    private async Task CallbackAsync(HttpClient http)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["oauth_consumer_key"] = Random32(), ["oauth_consumer_secret"] = Random32(), ["oauth_verifier"] = Random32(), ["store_base_url"] = sandbox.AbsoluteUri,
        });
        using var r = await http.PostAsync("magento/callback", form);
        r.EnsureSuccessStatusCode();
    }

    /// <summary>Closed loop: <paramref name="parallel"/> callers, each sending its next request when the last one answered.</summary>
    private static async Task<(double P50, double P99)> TimeAsync(int requests, int parallel, Func<int, Task> call)
    {
        var times = new double[requests];
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                long t0 = Stopwatch.GetTimestamp();
                await call(i);
                times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
        }));
        return Percentiles(times);
    }

    /// <summary>Open loop: request i starts at i / rate seconds whether or not the earlier ones answered.</summary>
    private static async Task<(double P50, double P99)> AtRateAsync(int requests, double perSecond, Func<Task> call)
    {
        var times = new double[requests];
        long start = Stopwatch.GetTimestamp();
        var calls = new List<Task>(requests);
        for (int i = 0; i < requests; i++)
        {
            TimeSpan due = TimeSpan.FromSeconds(i / perSecond) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            int index = i;
            calls.Add(Task.Run(async () =>
            {
                long t0 = Stopwatch.GetTimestamp();
                await call();
                times[index] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }));
        }

        await Task.WhenAll(calls).WaitAsync(Patience);
        return Percentiles(times);
    }

    private static (double P50, double P99) Percentiles(double[] times)
    {
        Array.Sort(times);
        return (times[times.Length / 2], times[(int)(times.Length * 0.99)]);
    }

    /// <summary>Runs the CLI under GNU time: wall time, peak resident memory, lines on standard output.</summary>
    private async Task<(double Seconds, long PeakKb, long Lines)> TimedProcessAsync(string[] arguments)
    {
        string report = Path.Combine(directory, "time.txt");
        var start = new ProcessStartInfo("/usr/bin/time", ["-f", "%e %M", "-o", report, .. Command(arguments)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["MAGENTO_OAUTH_ENCRYPTION_KEY"] = _key;
        using Process process = Process.Start(start)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        long lines = 0;
        while (await process.StandardOutput.ReadLineAsync() is not null)
        {
            lines++;
        }

        await process.WaitForExitAsync().WaitAsync(Patience);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"magento-oauth {string.Join(' ', arguments)} failed: {await errors}");
        }

        string[] parts = File.ReadAllText(report).Trim().Split(' ');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture), lines);
    }

    private Process Start(string[] arguments, bool redirect)
    {
        string[] command = Command(arguments);
        var start = new ProcessStartInfo(command[0], command[1..]) { RedirectStandardOutput = redirect, RedirectStandardError = redirect };
        start.Environment["MAGENTO_OAUTH_ENCRYPTION_KEY"] = _key;
        Process process = Process.Start(start)!;
        if (redirect)
        {
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        return process;
    }

    /// <summary>The CLI as the .NET tool runs it (a .dll under 'dotnet exec', JIT) or as the native executable.</summary>
    private string[] Command(string[] arguments) =>
        cli.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ["dotnet", "exec", cli, .. arguments] : [cli, .. arguments];

    /// <summary>CPU ticks (user + system, 1/100 s) and resident memory (kB) of a process, from /proc.</summary>
    private static (long Ticks, long RssKb) Proc(int pid)
    {
        string[] stat = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long ticks = long.Parse(stat[11], CultureInfo.InvariantCulture) + long.Parse(stat[12], CultureInfo.InvariantCulture);
        string rss = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return (ticks, long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture));
    }

    private static async Task UntilAsync(Func<Task<bool>> done, TimeSpan? every = null)
    {
        DateTime until = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < until)
        {
            if (await done())
            {
                return;
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(20));
        }

        throw new TimeoutException("not done within " + Patience);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
