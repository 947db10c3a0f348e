using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Sandbox.Oauth;

namespace MagentoOAuth.Cli.Tests;

/// <summary>
/// <c>magento-oauth doctor</c> against the sandbox being each broken store: the check that fails, and a cause that
/// names the real cause. Every server here is real and on 127.0.0.1.
/// </summary>
public sealed class DoctorCommandTests
{
    private static readonly string[] AllChecks = ["reachable", "redirect", "magento", "clock", "authorization-header", "credentials", "signer", "bearer", "acl", "store-codes"];

    [Fact]
    public async Task Against_a_healthy_store_every_check_passes()
    {
        await using SandboxHost sandbox = await SandboxHost.StartAsync(new SandboxOptions());
        Report report = await DoctorAsync(sandbox, await CredentialsAsync(sandbox), "--need", "/V1/orders", "--need", "Magento_Catalog::products");

        Assert.Equal(0, report.ExitCode);
        Assert.Equal(AllChecks, report.Checks.Keys);
        Assert.All(report.Checks, c => Assert.True(c.Value.Status == "pass", $"{c.Key}: {c.Value.Status} {c.Value.Summary} {c.Value.Cause}"));
        Assert.Contains("Magento/2.4 (Community)", report["magento"].Summary, StringComparison.Ordinal);
        Assert.Contains("default (Default Store View", report["store-codes"].Summary, StringComparison.Ordinal);
        Assert.StartsWith("g4", report["signer"].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stripped_Authorization_header_fails_authorization_header()
    {
        await using SandboxHost sandbox = await SandboxHost.StartAsync(new SandboxOptions { StripAuthorization = true });
        Report report = await DoctorAsync(sandbox, await CredentialsAsync(sandbox));

        Assert.Equal(1, report.ExitCode);
        Assert.Equal("fail", report["authorization-header"].Status);
        Assert.Contains("stripped the Authorization header", report["authorization-header"].Cause, StringComparison.Ordinal);
        Assert.Contains("CGIPassAuth On", report["authorization-header"].Fix, StringComparison.Ordinal);
        Assert.Equal("pass", report["magento"].Status);
        Assert.Equal("skip", report["credentials"].Status);
    }

    [Fact]
    public async Task Basic_auth_in_front_fails_authorization_header_and_names_basic_auth()
    {
        await using SandboxHost sandbox = await SandboxHost.StartAsync(new SandboxOptions { BasicAuth = "staging:secret" });
        Report report = await DoctorAsync(sandbox, await CredentialsAsync(sandbox));

        Assert.Equal(1, report.ExitCode);
        Assert.Equal("fail", report["authorization-header"].Status);
        Assert.Contains("HTTP basic auth", report["authorization-header"].Cause, StringComparison.Ordinal);
        Assert.Contains("auth_basic off", report["authorization-header"].Fix, StringComparison.Ordinal);
        Assert.Equal("warn", report["magento"].Status);
    }

    [Fact]
    public async Task A_redirecting_base_url_fails_redirect_and_names_the_final_base_url()
    {
        await using SandboxHost sandbox = await SandboxHost.StartAsync(new SandboxOptions());
        string final = $"http://localhost:{sandbox.BaseUrl.Port}/";
        sandbox.App.Services.GetService(typeof(SandboxOptions)).As<SandboxOptions>().RedirectTo = final;
        Report report = await DoctorAsync(sandbox, await CredentialsAsync(sandbox));

        Assert.Equal(1, report.ExitCode);
        Assert.Equal("fail", report["redirect"].Status);
        Assert.Contains("301 → " + final, report["redirect"].Summary, StringComparison.Ordinal);
        Assert.Contains("Use " + final + " as the store's base URL", report["redirect"].Fix, StringComparison.Ordinal);
        Assert.Contains("OAuth signs the URL", report["redirect"].Cause, StringComparison.Ordinal);
        Assert.Contains("answers at " + final, report["redirect"].Cause, StringComparison.Ordinal);
        Assert.Equal("pass", report["credentials"].Status); // the rest was checked at the final URL
    }

    [Fact]
    public async Task A_redirect_to_another_site_stops_before_any_signed_call()
    {
        await using SandboxHost sandbox = await SandboxHost.StartAsync(new SandboxOptions { RedirectTo = "https://elsewhere.example/" });
        Report report = await DoctorAsync(sandbox, await CredentialsAsync(sandbox));

        Assert.Equal("fail", report["redirect"].Status);
        Assert.All(AllChecks[2..], id => Assert.Equal("skipped: the store redirects to https://elsewhere.example; run doctor on that URL if it is the store", report[id].Summary));
    }

    [Fact]
    public async Task Rewrites_off_fails_magento_and_names_index_php()
    {
        await using SandboxHost sandbox = await SandboxHost.StartAsync(new SandboxOptions { RequireIndexPhp = true });
        Report report = await DoctorAsync(sandbox, await CredentialsAsync(sandbox));

        Assert.Equal("fail", report["magento"].Status);
        Assert.Contains("URL rewrites are off", report["magento"].Summary, StringComparison.Ordinal);
        Assert.Contains(sandbox.BaseUrl + "index.php/", report["magento"].Fix, StringComparison.Ordinal);
        Assert.Contains("does not rewrite Magento's URLs", report["magento"].Cause, StringComparison.Ordinal);
        Assert.Equal("pass", report["credentials"].Status);
    }

    [Fact]
    public async Task A_store_clock_far_behind_fails_clock_and_credentials_with_the_real_cause()
    {
        await using SandboxHost sandbox = await SandboxHost.StartAsync(new SandboxOptions { ClockOffset = TimeSpan.FromSeconds(-900) });
        Report report = await DoctorAsync(sandbox, await CredentialsAsync(sandbox));

        Assert.Equal("fail", report["clock"].Status);
        Assert.Matches("this machine's clock is 9(00|01|99) s ahead", report["clock"].Summary);
        Assert.Contains("600 s", report["clock"].Cause, StringComparison.Ordinal);
        Assert.Equal("fail", report["credentials"].Status);
        Assert.Contains("clock", report["credentials"].Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_resource_fails_acl_and_names_it()
    {
        await using SandboxHost sandbox = await SandboxHost.StartAsync(new SandboxOptions());
        Report report = await DoctorAsync(sandbox, await CredentialsAsync(sandbox, ["Magento_Backend::store"]), "--need", "/V1/orders", "--need", "Magento_Backend::store");

        Assert.Equal(1, report.ExitCode);
        Assert.Equal("fail", report["acl"].Status);
        Assert.Contains("GET /V1/orders: needs Magento_Sales::actions_view", report["acl"].Summary, StringComparison.Ordinal);
        Assert.Contains("allowed: Magento_Backend::store", report["acl"].Summary, StringComparison.Ordinal);
        Assert.Contains("tick Magento_Sales::actions_view", report["acl"].Fix, StringComparison.Ordinal);
        Assert.Contains("do not include Magento_Sales::actions_view", report["acl"].Cause, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "refused as a Bearer token")]
    [InlineData(true, "accepted as a Bearer token")]
    public async Task Bearer_is_reported_either_way_without_failing(bool allowBearer, string expected)
    {
        await using SandboxHost sandbox = await SandboxHost.StartAsync(new SandboxOptions { AllowBearer = allowBearer });
        Report report = await DoctorAsync(sandbox, await CredentialsAsync(sandbox));

        Assert.Equal("pass", report["bearer"].Status);
        Assert.Contains(expected, report["bearer"].Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SignerGeneration.G1)]
    [InlineData(SignerGeneration.G2)]
    [InlineData(SignerGeneration.G3)]
    [InlineData(SignerGeneration.G4)]
    public async Task Signer_tells_each_generation(SignerGeneration generation)
    {
        await using SandboxHost sandbox = await SandboxHost.StartAsync(new SandboxOptions { Signer = generation });
        Report report = await DoctorAsync(sandbox, await CredentialsAsync(sandbox));

        Assert.Equal("pass", report["signer"].Status);
        Assert.StartsWith("g" + (int)generation + ":", report["signer"].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hidden_version_still_passes_magento_and_says_so()
    {
        await using SandboxHost sandbox = await SandboxHost.StartAsync(new SandboxOptions { ExposeVersion = false });
        Report report = await DoctorAsync(sandbox, null);

        Assert.Equal("pass", report["magento"].Status);
        Assert.Contains("not exposed", report["magento"].Summary, StringComparison.Ordinal);
        Assert.Equal("pass", report["authorization-header"].Status);
        Assert.All(AllChecks[5..], id => Assert.Contains("needs credentials", report[id].Summary, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nothing_listening_fails_reachable_at_once_with_a_plain_message()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        CliRunner.Result result = await CliRunner.RunAsync("doctor", $"http://127.0.0.1:{port}/");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("fail  reachable             nothing listens at 127.0.0.1:" + port, result.Output, StringComparison.Ordinal);
        Assert.Contains("skip  magento", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_is_not_Magento_fails_magento()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task server = ServeHtmlAsync(listener, stop.Token);

        Report report = await DoctorAsync(new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/"), null);
        await stop.CancelAsync();

        Assert.Equal(1, report.ExitCode);
        Assert.Equal("pass", report["reachable"].Status);
        Assert.Equal("fail", report["magento"].Status);
        Assert.StartsWith("not Magento", report["magento"].Summary, StringComparison.Ordinal);
        Assert.Equal("skip", report["authorization-header"].Status);
    }

    [Theory]
    [InlineData("localhost", "is not trusted", "self-signed")]
    [InlineData("127.0.0.1", "is not for 127.0.0.1", "for localhost")]
    public async Task A_bad_certificate_fails_reachable_and_says_what_is_wrong(string host, string summary, string cause)
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task server = ServeTlsAsync(listener, certificate, stop.Token);

        Report report = await DoctorAsync(new Uri($"https://{host}:{((IPEndPoint)listener.LocalEndpoint).Port}/"), null);
        await stop.CancelAsync();

        Assert.Equal(1, report.ExitCode);
        Assert.Equal("fail", report["reachable"].Status);
        Assert.Contains(summary, report["reachable"].Summary, StringComparison.Ordinal);
        Assert.Contains(cause, report["reachable"].Cause, StringComparison.Ordinal);
        Assert.Contains("public CA", report["reachable"].Fix, StringComparison.Ordinal);
    }

    private static async Task ServeTlsAsync(TcpListener listener, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        for (int i = 0; i < 20 && !cancellationToken.IsCancellationRequested; i++)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await using var tls = new System.Net.Security.SslStream(client.GetStream());
                        await tls.AuthenticateAsServerAsync(certificate).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                    }
                    catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException or TimeoutException)
                    {
                        // the client gave up on the certificate
                    }
                }
            }, cancellationToken);
        }
    }

    [Fact]
    public async Task A_stored_store_gets_its_generation_remembered()
    {
        await using SandboxHost sandbox = await SandboxHost.StartAsync(new SandboxOptions { Signer = SignerGeneration.G2 });
        string[] c = await CredentialsAsync(sandbox);
        string dir = Directory.CreateTempSubdirectory("doctor-").FullName;
        string db = Path.Combine(dir, "m.db");
        try
        {
            CliRunner.Result added = await CliRunner.RunAsync("stores", "add", "--db", db, "--url", sandbox.BaseUrl.AbsoluteUri, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
            Assert.Equal(0, added.ExitCode);

            CliRunner.Result result = await CliRunner.RunAsync("doctor", sandbox.BaseUrl.AbsoluteUri, "--db", db);
            Assert.Equal(0, result.ExitCode);
            Assert.Contains("(stored store ", result.Output, StringComparison.Ordinal);
            Assert.Contains("Remembered signer g2 for this store.", result.Output, StringComparison.Ordinal);

            CliRunner.Result shown = await CliRunner.RunAsync("stores", "list", "--db", db, "--json");
            Assert.Contains("\"signer\": \"g2\"", shown.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("--need", "POST /V1/orders")]
    [InlineData("--access-token", "t")]
    public async Task Bad_input_exits_2(string option, string value)
    {
        CliRunner.Result result = await CliRunner.RunAsync("doctor", "http://127.0.0.1:1/", "--consumer-key", "k", "--consumer-secret", "s", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("magento-oauth: error:", result.Error, StringComparison.Ordinal);
    }

    private static async Task<string[]> CredentialsAsync(SandboxHost sandbox, string[]? resources = null)
    {
        using var http = new HttpClient { BaseAddress = sandbox.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        using HttpResponseMessage created = await http.PostAsJsonAsync("sandbox/api/integrations", new { name = "doctor", resources });
        using JsonDocument integration = JsonDocument.Parse(await created.EnsureSuccessStatusCode().Content.ReadAsStringAsync());
        using HttpResponseMessage activated = await http.PostAsync($"sandbox/api/integrations/{integration.RootElement.GetProperty("id")}/activate", new StringContent("{}", Encoding.UTF8, "application/json"));
        using JsonDocument answer = JsonDocument.Parse(await activated.EnsureSuccessStatusCode().Content.ReadAsStringAsync());
        JsonElement c = answer.RootElement.GetProperty("credentials");
        return ["--consumer-key", c.GetProperty("consumerKey").GetString()!, "--consumer-secret", c.GetProperty("consumerSecret").GetString()!,
                "--access-token", c.GetProperty("accessToken").GetString()!, "--access-token-secret", c.GetProperty("accessTokenSecret").GetString()!];
    }

    private static Task<Report> DoctorAsync(SandboxHost sandbox, string[]? credentials, params string[] more) => DoctorAsync(sandbox.BaseUrl, credentials, more);

    private static async Task<Report> DoctorAsync(Uri target, string[]? credentials, params string[] more)
    {
        CliRunner.Result result = await CliRunner.RunAsync(["doctor", target.AbsoluteUri, "--json", .. credentials ?? [], .. more]);
        Assert.True(result.Error.Length == 0, result.Error);
        using JsonDocument json = JsonDocument.Parse(result.Output);
        var checks = new Dictionary<string, Check>();
        foreach (JsonElement check in json.RootElement.GetProperty("checks").EnumerateArray())
        {
            checks[check.GetProperty("id").GetString()!] = new Check(check.GetProperty("status").GetString()!, check.GetProperty("summary").GetString()!,
                check.GetProperty("cause").GetString(), check.GetProperty("fix").GetString());
        }

        return new Report(result.ExitCode, checks);
    }

    /// <summary>Any request gets a web server's HTML 404, as a site without Magento answers /rest/…</summary>
    private static async Task ServeHtmlAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        for (int i = 0; i < 100 && !cancellationToken.IsCancellationRequested; i++)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = AnswerAsync(client, cancellationToken); // one at a time would stall a client that holds a connection open
        }
    }

    private static async Task AnswerAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                byte[] buffer = new byte[8192];
                if (await stream.ReadAsync(buffer, cancellationToken) > 0)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 22\r\nConnection: close\r\n\r\n<h1>404 Not Found</h1>"), cancellationToken);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
                // the client went away
            }
        }
    }

    private sealed record Check(string Status, string Summary, string? Cause, string? Fix);

    private sealed record Report(int ExitCode, Dictionary<string, Check> Checks)
    {
        public Check this[string id] => Checks[id];
    }
}

internal static class ServiceExtensions
{
    public static T As<T>(this object? service) => (T)service!;
}
