using System.Diagnostics;

namespace MagentoOAuth.Operations.Tests.Proxy;

/// <summary>The callers the proxy is for, each with nothing but the API key: curl, Python's urllib, Node's fetch.</summary>
public static class ForeignClients
{
    public static readonly string[] All = ["curl", "python", "node"];

    private const string PythonScript = """
        import sys, urllib.request, urllib.error
        method, url, key, body = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
        headers = {"Authorization": "Bearer " + key}
        data = None
        if body:
            data = body.encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, text = response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode("utf-8")
        sys.stdout.write(str(status) + "\n" + text)
        """;

    private const string NodeScript = """
        const [method, url, key, body] = process.argv.slice(1);
        const headers = { Authorization: "Bearer " + key };
        if (body) headers["Content-Type"] = "application/json";
        fetch(url, { method, headers, body: body || undefined })
          .then(async r => process.stdout.write(r.status + "\n" + await r.text()))
          .catch(e => { console.error(e); process.exit(2); });
        """;

    /// <summary>Sends one request; returns the status and the body.</summary>
    public static async Task<(int Status, string Body)> SendAsync(string client, string method, string url, string key, string? jsonBody = null)
    {
        ProcessStartInfo start = client switch
        {
            "curl" => Curl(method, url, key, jsonBody),
            "python" => new ProcessStartInfo(Require("/usr/bin/python3", "apt-get install -y python3"), ["-c", PythonScript, method, url, key, jsonBody ?? string.Empty]),
            "node" => new ProcessStartInfo(Require(Which("node"), "apt-get install -y nodejs"), ["-e", NodeScript, method, url, key, jsonBody ?? string.Empty]),
            _ => throw new ArgumentOutOfRangeException(nameof(client), client, null),
        };
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{client} did not finish within 90 s.");
        }

        string text = await output;
        Assert.True(process.ExitCode == 0, $"{client} failed ({process.ExitCode}): {await errors}");
        if (client == "curl")
        {
            int last = text.LastIndexOf('\n');
            return (int.Parse(text[(last + 1)..], System.Globalization.CultureInfo.InvariantCulture), text[..last]);
        }

        int newline = text.IndexOf('\n', StringComparison.Ordinal);
        return (int.Parse(text[..newline], System.Globalization.CultureInfo.InvariantCulture), text[(newline + 1)..]);
    }

    private static ProcessStartInfo Curl(string method, string url, string key, string? body)
    {
        // -g: brackets in searchCriteria[...] are sent as typed, not globbed. The status comes last on its own line.
        var arguments = new List<string> { "-sS", "-g", "-X", method, "-H", "Authorization: Bearer " + key, "-w", "\n%{http_code}" };
        if (body is not null)
        {
            arguments.AddRange(["-H", "Content-Type: application/json", "--data-binary", body]);
        }

        arguments.Add(url);
        return new ProcessStartInfo(Require("/usr/bin/curl", "apt-get install -y curl"), arguments);
    }

    private static string Require(string path, string install) =>
        File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: {install}");

    private static string Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists) ?? "/usr/bin/" + name;
}
