using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MagentoOAuth.Tests.Infrastructure;

/// <summary>
/// One <c>magento-oauth serve</c> process on a loopback port, as an operator runs it (the CLI's build output under
/// <c>dotnet exec</c>), with its output kept (for assertions and the failure message). Disposing kills it.
/// </summary>
internal sealed class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];

    private ServeProcess(int port, Process process)
    {
        Port = port;
        _process = process;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public int Id => _process.Id;

    /// <summary>What it printed so far, standard output and error.</summary>
    public string Output
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    /// <summary>
    /// Starts serve on <paramref name="port"/> over <paramref name="database"/> (a SQLite path or a postgres:// URL),
    /// accepting loopback stores, with <paramref name="more"/> options after the usual ones.
    /// </summary>
    public static ServeProcess Start(int port, string database, string keyFile, TimeSpan claimLease, params string[] more)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "magento-oauth.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", cli, "serve", "--urls", $"http://127.0.0.1:{port}", "--db", database, "--key-file", keyFile,
            "--callback-limit", "0", "--callback-limit-total", "0", "--max-unfinished-per-host", "1000",
            "--allow-private-stores", "--claim-lease", claimLease.TotalSeconds.ToString(CultureInfo.InvariantCulture), .. more])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var serve = new ServeProcess(port, Process.Start(start)!);
        serve._process.OutputDataReceived += (_, e) => serve.Keep(e.Data);
        serve._process.ErrorDataReceived += (_, e) => serve.Keep(e.Data);
        serve._process.BeginOutputReadLine();
        serve._process.BeginErrorReadLine();
        return serve;
    }

    /// <summary>Waits (at most a minute) until the endpoint answers and, if given, serve has printed <paramref name="banner"/>.</summary>
    public async Task WaitReadyAsync(HttpClient http, string? banner = null)
    {
        DateTime until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < until && !_process.HasExited)
        {
            try
            {
                using HttpResponseMessage response = await http.GetAsync($"{Url}/magento/identity");
                if (banner is null || Output.Contains(banner, StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        lock (_log)
        {
            throw new TimeoutException($"serve on port {Port} did not start: {string.Join('\n', _log.TakeLast(20))}");
        }
    }

    /// <summary>SIGKILL: no drain, no lease release, as a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGTERM, what a rolling deploy or systemd sends, then waits for the exit.</summary>
    public async Task TerminateAsync()
    {
        using Process term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!;
        await term.WaitForExitAsync();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(30_000);
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        lock (_log)
        {
            _log.Add(line ?? string.Empty);
        }
    }
}
