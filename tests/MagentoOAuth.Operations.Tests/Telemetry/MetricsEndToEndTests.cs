using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using MagentoOAuth.AspNetCore.Clients;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace MagentoOAuth.Operations.Tests.Telemetry;

/// <summary><c>GET /metrics</c> on the admin listener: the counters move between two scrapes, around an activation and signed calls.</summary>
public sealed partial class MetricsEndToEndTests : IAsyncLifetime
{
    private readonly InMemoryCredentialStore _store = new();
    private SandboxHost _sandbox = null!;
    private AdminHost _host = null!;

    private HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    private string Url => _host.AdminUrl;

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxHost.StartAsync(new SandboxOptions());
        _host = await AdminHost.StartAsync(_store);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await _host.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    private async Task<HttpResponseMessage> GetMetricsAsync(string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url + "/metrics");
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return await Http.SendAsync(request);
    }

    private async Task<string> ScrapeAsync(string key)
    {
        using HttpResponseMessage response = await GetMetricsAsync(key);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels include every one of <paramref name="labels"/>.</summary>
    private static double Value(string scrape, string name, params string[] labels) =>
        scrape.Split('\n')
            .Select(line => SampleLine().Match(line))
            .Where(m => m.Success && m.Groups["name"].Value == name && labels.All(l => m.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[^ ]+)")]
    private static partial Regex SampleLine();

    [Fact]
    public async Task Metrics_need_an_admin_key()
    {
        using (HttpResponseMessage none = await GetMetricsAsync(null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        }

        using (HttpResponseMessage wrong = await GetMetricsAsync("mok_abcdefghijkm_" + new string('A', 43)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (HttpResponseMessage proxyOnly = await GetMetricsAsync(await _host.KeyAsync(ApiKeyScope.Proxy)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, proxyOnly.StatusCode);
        }

        string key = await _host.KeyAsync(ApiKeyScope.Admin);
        Assert.Contains("# TYPE", await ScrapeAsync(key), StringComparison.Ordinal);

        // Only on the admin listener.
        using var onPublic = new HttpRequestMessage(HttpMethod.Get, _host.PublicUrl + "/metrics");
        onPublic.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using HttpResponseMessage notThere = await Http.SendAsync(onPublic);
        Assert.Equal(HttpStatusCode.NotFound, notThere.StatusCode);
    }

    [Fact]
    public async Task The_activation_counter_step_durations_and_signed_request_counter_move_between_two_scrapes()
    {
        string key = await _host.KeyAsync(ApiKeyScope.Admin);
        string store = $"store=\"127.0.0.1:{_sandbox.BaseUrl.Port}\"";
        string first = await ScrapeAsync(key);

        StoreConnection connection = await SandboxStores.ActivateAsync(Http, _sandbox, _host.PublicUrl, _store);
        using (HttpClient client = _host.App.Services.GetRequiredService<IMagentoClientFactory>().CreateClient(connection.Id))
        {
            for (int i = 0; i < 3; i++)
            {
                using HttpResponseMessage ok = await client.GetAsync("V1/products?searchCriteria[pageSize]=1");
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            }

            await SandboxStores.SetFaultsAsync(Http, _sandbox, "rest:error=503:1:1");
            using HttpResponseMessage down = await client.GetAsync("V1/products?searchCriteria[pageSize]=1");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        }

        // Two calls through the signing proxy with a proxy key: signed requests and the proxy's latency histogram move.
        string proxyKey = await _host.KeyAsync(ApiKeyScope.Proxy);
        for (int i = 0; i < 2; i++)
        {
            using var proxied = new HttpRequestMessage(HttpMethod.Get, $"{Url}/proxy/{connection.Id}/rest/V1/store/storeConfigs");
            proxied.Headers.Authorization = new AuthenticationHeaderValue("Bearer", proxyKey);
            using HttpResponseMessage answer = await Http.SendAsync(proxied);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        // The exporter may answer from its scrape cache for a moment: scrape until the calls show (bounded).
        string second = await ScrapeAsync(key);
        for (int i = 0; i < 100 && Value(second, "magento_oauth_signed_requests_total", store, "status_class=\"5xx\"") < 1; i++)
        {
            await Task.Delay(50);
            second = await ScrapeAsync(key);
        }

        double Delta(string name, params string[] labels) => Value(second, name, labels) - Value(first, name, labels);
        Assert.True(Delta("magento_oauth_activations_total", "outcome=\"activated\"") >= 1, "activations");
        foreach (string step in new[] { "request_token", "access_token", "verification" })
        {
            Assert.True(Delta("magento_oauth_exchange_step_duration_seconds_count", $"step=\"{step}\"", "outcome=\"ok\"") >= 1, step);
            Assert.True(Delta("magento_oauth_exchange_step_duration_seconds_sum", $"step=\"{step}\"") > 0, step + " took some time");
        }

        // The store's own calls: 3 answered 200 through the client and 2 through the proxy (plus the exchange's
        // verification call), one 503.
        Assert.True(Delta("magento_oauth_signed_requests_total", store, "method=\"GET\"", "status_class=\"2xx\"") >= 5, "2xx");
        Assert.Equal(2, Delta("magento_oauth_proxy_duration_seconds_count", "http_response_status_class=\"2xx\""));
        Assert.True(Delta("magento_oauth_proxy_duration_seconds_sum") > 0, "proxied calls took some time");
        Assert.Equal(1, Delta("magento_oauth_signed_requests_total", store, "status_class=\"5xx\""));
        Assert.Equal(Delta("magento_oauth_signed_requests_total", store), Delta("magento_oauth_signed_request_duration_seconds_count", store));
        Assert.Contains("magento_oauth_stores{", second, StringComparison.Ordinal);

        // No secret, token, consumer key or query value in any series.
        StoreConnection stored = (await _store.FindAsync(connection.Id))!;
        foreach (string secret in new[] { stored.ConsumerKey, stored.ConsumerSecret, stored.AccessToken!, stored.AccessTokenSecret!, "searchCriteria", "pageSize" })
        {
            Assert.DoesNotContain(secret, second, StringComparison.Ordinal);
        }
    }
}
