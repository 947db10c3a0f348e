using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MagentoOAuth.AspNetCore.Clients;
using MagentoOAuth.Errors;
using MagentoOAuth.Storage;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;

namespace MagentoOAuth.Operations.Tests.Proxy;

/// <summary>Every refusal of the proxy: its status, its JSON error and message, and no call to the store where none is due.</summary>
public sealed class ProxyRefusalTests : IAsyncLifetime
{
    private ProxyTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ProxyTestHost.StartAsync(r =>
    {
        r.CircuitMinimumCalls = 4;
        r.CircuitBreakDuration = TimeSpan.FromSeconds(30);
        r.MaxRetries = 2;
        r.MaxRetryAfter = TimeSpan.FromSeconds(3);
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(int Status, JsonObject Error, HttpResponseMessage Response)> SendAsync(string url, string? key, HttpMethod? method = null, string? body = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, url);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response = await _host.Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        JsonObject error = text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text)!.AsObject() : new JsonObject { ["raw"] = text };
        return ((int)response.StatusCode, error, response);
    }

    [Fact]
    public async Task Missing_wrong_and_misplaced_keys_unknown_stores_and_paths_outside_rest_are_refused_without_calling_the_store()
    {
        (_, StoreConnection store) = await _host.ConnectStoreAsync();
        string key = await _host.CreateKeyAsync("etl");
        string other = await _host.CreateKeyAsync("elsewhere", "https://other-shop.example.com/");
        string url = _host.ProxyBase(store.Id.ToString()) + "rest/V1/store/storeConfigs";
        int seen = _host.Seen.Count;

        var (status, error, _) = await SendAsync(url, null);
        Assert.Equal((401, "unauthorized"), (status, error["error"]!.GetValue<string>()));
        Assert.Contains("Authorization: Bearer KEY", error["message"]!.GetValue<string>(), StringComparison.Ordinal);

        (status, error, HttpResponseMessage wrong) = await SendAsync(url, key[..^1] + (key[^1] == 'A' ? 'B' : 'A'));
        Assert.Equal((401, "unauthorized"), (status, error["error"]!.GetValue<string>()));
        Assert.Contains("not valid", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("invalid_token", wrong.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        (status, error, _) = await SendAsync(url, other);
        Assert.Equal((403, "store_forbidden"), (status, error["error"]!.GetValue<string>()));
        Assert.Contains("may not reach this store", error["message"]!.GetValue<string>(), StringComparison.Ordinal);

        (status, error, _) = await SendAsync(_host.ProxyBase("no-such-store") + "rest/V1/store/storeConfigs", key);
        Assert.Equal((404, "unknown_store"), (status, error["error"]!.GetValue<string>()));

        foreach (string outside in new[] { "admin", "index.php/rest/V1/store/storeConfigs", "rest/../admin", "rest/V1/%2E%2E/%2E%2E/admin", "restful/V1" })
        {
            (status, error, _) = await SendAsync(_host.ProxyBase(store.Id.ToString()) + outside, key);
            Assert.True(status == 404, $"{outside}: {status} {error}");
            Assert.True(error["error"]?.GetValue<string>() == "not_proxied" || outside.Contains("..", StringComparison.Ordinal), $"{outside}: {error}");
        }

        Assert.Equal(seen, _host.Seen.Count);

        // The key that may reach this store (named by URL) is let through.
        string mine = await _host.CreateKeyAsync("mine", store.StoreBaseUrl);
        (status, _, _) = await SendAsync(url, mine);
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task A_store_that_is_not_active_is_refused_at_once_with_its_status_and_what_to_do()
    {
        (int id, StoreConnection store) = await _host.ConnectStoreAsync();
        string key = await _host.CreateKeyAsync("etl");
        string url = _host.ProxyBase(store.Id.ToString()) + "rest/V1/store/storeConfigs";

        // The merchant deletes the integration: Magento refuses the token, and the connection is marked revoked.
        using (HttpResponseMessage deleted = await _host.Http.DeleteAsync(new Uri(_host.SandboxUrl, $"sandbox/api/integrations/{id}")))
        {
            Assert.True(deleted.IsSuccessStatusCode);
        }

        var (status, _, _) = await SendAsync(url, key);
        Assert.Equal(401, status);
        await _host.WaitForAsync(store.ConsumerKey, s => s.Status == StoreStatus.Revoked);

        int seen = _host.Seen.Count;
        (status, JsonObject error, _) = await SendAsync(url, key);
        Assert.Equal((409, "store_not_active", "revoked"), (status, error["error"]!.GetValue<string>(), error["status"]!.GetValue<string>()));
        Assert.Contains("Reauthorize", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(store.Id.ToString(), error["store"]!.GetValue<string>());
        Assert.Equal(seen, _host.Seen.Count);
    }

    [Fact]
    public async Task After_repeated_5xx_the_circuit_opens_and_the_proxy_answers_503_with_retry_after_without_calling_the_store()
    {
        (_, StoreConnection store) = await _host.ConnectStoreAsync();
        string key = await _host.CreateKeyAsync("etl");
        string url = _host.ProxyBase(store.Id.ToString()) + "rest/V1/store/storeConfigs";
        await _host.SetFaultsAsync("rest:error=500:1");

        // Each GET is tried three times (retries of an idempotent request); the fourth failure opens the circuit.
        int status = 0;
        JsonObject error = new();
        HttpResponseMessage? response = null;
        for (int i = 0; i < 10 && status != 503; i++)
        {
            (status, error, response) = await SendAsync(url, key);
            Assert.True(status is 500 or 503, $"{status} {error}");
        }

        Assert.Equal((503, "store_unavailable"), (status, error["error"]!.GetValue<string>()));
        Assert.Contains("try again in", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        TimeSpan retryAfter = response!.Headers.RetryAfter!.Delta!.Value;
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

        // While it is open: refused at once, the store not called, for POSTs too.
        await _host.SetFaultsAsync();
        int seen = _host.Seen.Count;
        (status, error, _) = await SendAsync(url, key);
        Assert.Equal(503, status);
        (status, _, _) = await SendAsync(_host.ProxyBase(store.Id.ToString()) + "rest/V1/products", key, HttpMethod.Post, """{"product":{"sku":"x"}}""");
        Assert.Equal(503, status);

        // The library's own clients of that store share its circuit: they fail fast too.
        using HttpClient client = _host.App.Services.GetRequiredService<IMagentoClientFactory>().CreateClient(store.Id);
        MagentoOAuthException broken = await Assert.ThrowsAsync<MagentoOAuthException>(() => client.GetAsync("V1/store/storeConfigs"));
        Assert.Equal((MagentoProblem.ServerError, 503), (broken.Problem, broken.Status));
        Assert.Contains("fail fast", broken.Message, StringComparison.Ordinal);
        Assert.IsType<BrokenCircuitException>(broken.InnerException);
        Assert.Equal(seen, _host.Seen.Count);
    }

    [Fact]
    public async Task A_429_with_retry_after_is_waited_for_then_retried_and_a_longer_one_or_a_post_goes_back_to_the_caller()
    {
        (_, StoreConnection store) = await _host.ConnectStoreAsync();
        string key = await _host.CreateKeyAsync("etl");
        string url = _host.ProxyBase(store.Id.ToString()) + "rest/V1/store/storeConfigs";

        int before = _host.Seen.Count;
        _host.RateLimitNext(1, retryAfterSeconds: 1);
        var (status, _, _) = await SendAsync(url, key);
        Assert.Equal(200, status);
        List<SeenRequest> seen = _host.Seen.Skip(before).ToList();
        Assert.Equal(2, seen.Count);
        Assert.True(seen[1].At - seen[0].At >= TimeSpan.FromMilliseconds(950), $"retried after {(seen[1].At - seen[0].At).TotalMilliseconds} ms");
        Assert.NotEqual(seen[0].Authorization, seen[1].Authorization); // a fresh nonce and timestamp

        // Longer than MaxRetryAfter (3 s): the caller gets the 429 and the store's Retry-After.
        before = _host.Seen.Count;
        _host.RateLimitNext(1, retryAfterSeconds: 60);
        (status, _, HttpResponseMessage limited) = await SendAsync(url, key);
        Assert.Equal(429, status);
        Assert.Equal(TimeSpan.FromSeconds(60), limited.Headers.RetryAfter!.Delta);
        Assert.Equal(1, _host.Seen.Count - before);

        // A POST is never sent twice.
        before = _host.Seen.Count;
        _host.RateLimitNext(1, retryAfterSeconds: 1);
        (status, _, _) = await SendAsync(_host.ProxyBase(store.Id.ToString()) + "rest/V1/products", key, HttpMethod.Post,
            """{"product":{"sku":"once-1","name":"Once","price":1,"type_id":"simple","attribute_set_id":4}}""");
        Assert.Equal(429, status);
        Assert.Equal(1, _host.Seen.Count - before);
    }

    [Fact]
    public async Task The_database_holds_no_api_key_in_clear()
    {
        (_, StoreConnection store) = await _host.ConnectStoreAsync();
        string key = await _host.CreateKeyAsync("etl", store.StoreBaseUrl);
        var (status, _, _) = await SendAsync(_host.ProxyBase(store.Id.ToString()) + "rest/V1/store/storeConfigs", key);
        Assert.Equal(200, status);
        Assert.NotEmpty(await _host.Store.ListApiKeysAsync());

        string secret = key[^43..];
        foreach (string file in Directory.GetFiles(_host.Directory, "magento-oauth.db*"))
        {
            byte[] bytes;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var copy = new MemoryStream())
            {
                await stream.CopyToAsync(copy);
                bytes = copy.ToArray();
            }

            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(secret)));
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(key)));
        }
    }
}
