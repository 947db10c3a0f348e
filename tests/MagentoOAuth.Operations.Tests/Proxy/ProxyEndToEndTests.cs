using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MagentoOAuth.Storage;

namespace MagentoOAuth.Operations.Tests.Proxy;

/// <summary>
/// curl, Python's urllib and Node's fetch call a sandbox store through the proxy with nothing but an API key; the
/// sandbox verifies every signature, and what it received shows the key never reached it.
/// </summary>
public sealed class ProxyEndToEndTests : IAsyncLifetime
{
    private ProxyTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ProxyTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Curl_python_and_node_call_the_store_with_nothing_but_a_key()
    {
        (int id, StoreConnection store) = await _host.ConnectStoreAsync();
        string key = await _host.CreateKeyAsync("etl");
        int acceptedBefore = (await _host.SandboxIntegrationAsync(id))["acceptedCalls"]!.GetValue<int>();
        int calls = 0;
        foreach (string client in ForeignClients.All)
        {
            // The store named three ways: its id, its consumer key, its base URL (escaped into one path segment).
            string reference = client switch { "curl" => store.Id.ToString(), "python" => store.ConsumerKey, _ => store.StoreBaseUrl };
            string proxy = _host.ProxyBase(reference);
            string sku = $"{client}/kit-1";

            var (status, body) = await ForeignClients.SendAsync(client, "POST", proxy + "rest/V1/products", key,
                $$$"""{"product":{"sku":"{{{sku}}}","name":"Kit from {{{client}}}","price":12.5,"type_id":"simple","attribute_set_id":4}}""");
            Assert.True(status == 200, $"{client} POST: {status} {body}");
            Assert.Equal(sku, JsonNode.Parse(body)!["sku"]!.GetValue<string>());

            (status, body) = await ForeignClients.SendAsync(client, "PUT", proxy + "rest/V1/products/" + Uri.EscapeDataString(sku), key,
                $$$"""{"product":{"sku":"{{{sku}}}","name":"Kit from {{{client}}}, renamed","price":13}}""");
            Assert.True(status == 200, $"{client} PUT: {status} {body}");
            Assert.Equal($"Kit from {client}, renamed", JsonNode.Parse(body)!["name"]!.GetValue<string>());

            (status, body) = await ForeignClients.SendAsync(client, "GET", proxy + "rest/V1/products/" + Uri.EscapeDataString(sku), key);
            Assert.True(status == 200, $"{client} GET sku with '/': {status} {body}");
            Assert.Equal(13, JsonNode.Parse(body)!["price"]!.GetValue<decimal>());

            (status, body) = await ForeignClients.SendAsync(client, "GET",
                proxy + "rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=" +
                Uri.EscapeDataString(sku) + "&searchCriteria[filter_groups][0][filters][0][condition_type]=eq&searchCriteria[pageSize]=5", key);
            Assert.True(status == 200, $"{client} GET searchCriteria: {status} {body}");
            JsonObject found = JsonNode.Parse(body)!.AsObject();
            Assert.Equal(1, found["total_count"]!.GetValue<int>());
            Assert.Equal(sku, found["items"]![0]!["sku"]!.GetValue<string>());
            calls += 4;
        }

        // The sandbox verified every signature: no refusal, every call accepted (a profile fallback would show as a refusal).
        JsonObject integration = await _host.SandboxIntegrationAsync(id);
        Assert.Equal(0, integration["refusedCalls"]!.GetValue<int>());
        Assert.Equal(acceptedBefore + calls, integration["acceptedCalls"]!.GetValue<int>());

        // What reached the store: OAuth signatures, never the key, no cookie; the SKU's '/' arrived as %2F, the brackets as typed.
        IReadOnlyList<SeenRequest> seen = _host.Seen;
        Assert.All(seen, r => Assert.StartsWith("OAuth ", r.Authorization));
        Assert.All(seen, r => Assert.DoesNotContain("mok_", r.Authorization + r.RawTarget, StringComparison.Ordinal));
        Assert.All(seen, r => Assert.False(r.HadCookie));
        Assert.True(seen.Any(r => r.RawTarget == "/rest/V1/products/node%2Fkit-1"), string.Join("\n", seen.Select(r => r.Method + " " + r.RawTarget)));
        Assert.Contains(seen, r => r.RawTarget.StartsWith("/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=sku&", StringComparison.Ordinal)
            && r.RawTarget.Contains("[value]=curl%2Fkit-1&", StringComparison.Ordinal));

        // No log line of the proxy, the library or YARP carries the key or a query value (ASP.NET Core's own request
        // lines do, at Information: serve keeps "Microsoft" at Warning).
        Assert.Contains(_host.Logs, l => l.StartsWith("MagentoOAuth.Operations.Proxy", StringComparison.Ordinal));
        Assert.DoesNotContain(_host.Logs.Where(l => !l.StartsWith("Microsoft.", StringComparison.Ordinal)), l => l.Contains(key[^43..], StringComparison.Ordinal) || l.Contains("kit-1&", StringComparison.Ordinal) || l.Contains("pageSize", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_a_reauthorize_the_next_proxied_call_signs_with_the_new_tokens()
    {
        (int id, StoreConnection store) = await _host.ConnectStoreAsync();
        string key = await _host.CreateKeyAsync("sync");
        using var http = new HttpClient { BaseAddress = new Uri(_host.ProxyBase(store.Id.ToString())) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        using (HttpResponseMessage first = await http.GetAsync("rest/V1/store/storeConfigs"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await _host.ActivateAsync(id, reauthorize: true);
        StoreConnection rotated = await _host.WaitForAsync(store.ConsumerKey, s => s.Status == StoreStatus.Active && s.AccessToken != store.AccessToken);
        using (HttpResponseMessage second = await http.GetAsync("rest/V1/store/storeConfigs"))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        SeenRequest last = _host.Seen[^1];
        Assert.Contains($"oauth_token=\"{rotated.AccessToken}\"", last.Authorization, StringComparison.Ordinal);
        Assert.Equal(0, (await _host.SandboxIntegrationAsync(id))["refusedCalls"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_store_answer_passes_back_with_its_status_and_headers()
    {
        (_, StoreConnection store) = await _host.ConnectStoreAsync();
        string key = await _host.CreateKeyAsync("etl");
        using var http = new HttpClient { BaseAddress = new Uri(_host.ProxyBase(store.Id.ToString())) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        using HttpResponseMessage missing = await http.GetAsync("rest/V1/products/no-such-sku");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("requested doesn't exist", JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("application/json", missing.Content.Headers.ContentType?.MediaType);

        // A large body streams through (it is beyond what is buffered for a second send).
        string longName = new('x', 200_000);
        using HttpResponseMessage saved = await http.PostAsync("rest/V1/products", new StringContent(
            $$$"""{"product":{"sku":"big-1","name":"{{{longName}}}","price":1,"type_id":"simple","attribute_set_id":4}}""", Encoding.UTF8, "application/json"));
        string answer = await saved.Content.ReadAsStringAsync();
        Assert.True(saved.StatusCode == HttpStatusCode.OK, answer);
        Assert.Contains(longName, answer, StringComparison.Ordinal);
    }
}
