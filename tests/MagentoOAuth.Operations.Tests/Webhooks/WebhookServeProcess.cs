using System.Diagnostics;
using System.Globalization;

namespace MagentoOAuth.Operations.Tests.Webhooks;

/// <summary>
/// <c>magento-oauth serve --webhook …</c> as a real process (the CLI's build output under <c>dotnet exec</c>), as
/// tests/MagentoOAuth.Reliability.Tests/ServeProcess.cs starts it; its output kept. Disposing kills it.
/// </summary>
internal sealed class WebhookServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private WebhookServeProcess(int port, Process process)
    {
        Port = port;
        _process = process;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public static WebhookServeProcess Start(int port, string database, string keyFile, string webhookUrl, string secretFile)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "magento-oauth.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", cli, "serve", "--urls", $"http://127.0.0.1:{port}", "--db", database, "--key-file", keyFile,
            "--callback-limit", "0", "--callback-limit-total", "0", "--max-unfinished-per-host", "1000", "--allow-private-stores", "--claim-lease", "5",
            "--webhook", webhookUrl, "--webhook-secret-file", secretFile, "--webhook-max-delay", "2s"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var serve = new WebhookServeProcess(port, Process.Start(start)!);
        serve._process.OutputDataReceived += (_, e) => serve.Keep(e.Data);
        serve._process.ErrorDataReceived += (_, e) => serve.Keep(e.Data);
        serve._process.BeginOutputReadLine();
        serve._process.BeginErrorReadLine();
        return serve;
    }

    /// <summary>Waits (at most a minute) until the endpoint answers and serve has printed its banner.</summary>
    public async Task WaitReadyAsync(HttpClient http)
    {
        DateTime until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < until && !_process.HasExited)
        {
            try
            {
                using HttpResponseMessage response = await http.GetAsync($"{Url}/magento/identity");
                if (Output.Contains("Webhooks on", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"serve on port {Port} did not start: {Output}");
    }

    /// <summary>SIGKILL: no drain, no lease release, as a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
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
        lock (_output)
        {
            _output.Add(line ?? string.Empty);
        }
    }
}
