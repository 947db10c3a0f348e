using System.Net;
using System.Net.Http.Json;
using MagentoOAuth.Http;
using MagentoOAuth.Tests.Interop;
using MagentoOAuth.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace MagentoOAuth.Tests.Http;

public sealed class MagentoOAuthHandlerTests
{
    private const string ConsumerSecret = "cs0123456789abcdefghijklmnopqrst";
    private const string TokenSecret = "ts0123456789abcdefghijklmnopqrst";

    private static MagentoOAuthOptions Options(Action<MagentoOAuthOptions>? change = null)
    {
        var options = new MagentoOAuthOptions
        {
            ConsumerKey = "ck0123456789abcdefghijklmnopqrst",
            ConsumerSecret = ConsumerSecret,
            AccessToken = "at0123456789abcdefghijklmnopqrst",
            AccessTokenSecret = TokenSecret,
        };
        change?.Invoke(options);
        return options;
    }

    private static (HttpClient Client, StubHttpHandler Stub) Create(MagentoOAuthOptions options, string method, string url)
    {
        var stub = new StubHttpHandler().On(method, url, HttpStatusCode.OK, "{}", "application/json");
        var handler = new MagentoOAuthHandler(options) { InnerHandler = stub };
        return (new HttpClient(handler) { BaseAddress = new Uri("https://shop.example.com/rest/") }, stub);
    }

    private static SignedRequest OnTheWire(StubHttpHandler.Captured request) => new(
        request.Method, request.Uri.AbsoluteUri, request.Authorization!, ConsumerSecret, TokenSecret, request.Body, request.ContentType);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_relative_url_fails_as_a_task_before_credentials_are_looked_up(bool staticCredentials)
    {
        int lookups = 0;
        var handler = new MagentoOAuthHandler(staticCredentials
            ? Options()
            : Options(o =>
            {
                o.AccessToken = null;
                o.CredentialsProvider = (_, _) =>
                {
                    lookups++;
                    return ValueTask.FromResult(new MagentoOAuth.Signing.OAuthCredentials("ck0123456789abcdefghijklmnopqrst", ConsumerSecret, "at0123456789abcdefghijklmnopqrst", TokenSecret));
                };
            }))
        { InnerHandler = new StubHttpHandler() };
        using var invoker = new HttpMessageInvoker(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("V1/orders", UriKind.Relative));

        Task<HttpResponseMessage> sending = invoker.SendAsync(request, CancellationToken.None);

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => sending);
        Assert.Contains("absolute URL", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, lookups);
    }

    public static TheoryData<string> Methods => new() { "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS" };

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task Every_method_is_signed_and_verifies_in_oauthlib(string method)
    {
        var (client, stub) = Create(Options(), method, "https://shop.example.com/rest/V1/orders");

        await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "V1/orders?searchCriteria[pageSize]=5"));

        var request = Assert.Single(stub.Received);
        Assert.StartsWith("OAuth ", request.Authorization!, StringComparison.Ordinal);
        OAuthlibVerifier.AssertAllVerify(OnTheWire(request));
    }

    [Theory]
    [InlineData("V1/products?searchCriteria[filter_groups][0][filters][0][value]=%25shirt%25&searchCriteria[sortOrders][0][field]=name", null)]
    [InlineData("V1/products?searchCriteria[filter_groups][10][filters][0][value]=x&searchCriteria[filter_groups][2][filters][0][value]=y", "natural-order")]
    [InlineData("V1/products?q=red shirt&name=Café crème&sym=a+b&pct=100%", null)]
    [InlineData("V1/products/ABC%2F10", "path-escape")]
    [InlineData("V1/products/A B+C", null)]
    [InlineData("V1/x?a=1&a=2&empty=&flag", null)]
    public async Task Tricky_query_strings_and_paths_are_sent_portable_and_verify_in_oauthlib(string relative, string? unfixableRule)
    {
        var (client, stub) = Create(Options(), "GET", "https://shop.example.com/rest/" + new Uri(new Uri("https://shop.example.com/rest/"), relative).AbsolutePath[6..]);

        await client.GetAsync(relative);

        var request = Assert.Single(stub.Received);
        OAuthlibVerifier.AssertAllVerify(OnTheWire(request));
        Assert.DoesNotContain("[", request.Uri.Query, StringComparison.Ordinal);
        Assert.DoesNotContain("+", request.Uri.Query, StringComparison.Ordinal);

        // What went on the wire is portable, except what cannot be (an encoded '/', indices 2 and 10 together).
        var issues = MagentoOAuth.Signing.PortabilityAnalyzer.Analyze(new MagentoOAuth.Signing.OAuthRequest("GET", request.Uri));
        Assert.Equal(unfixableRule is null ? [] : [unfixableRule], issues.Select(i => i.Rule).ToArray());
    }

    [Fact]
    public async Task Form_bodies_are_signed()
    {
        var (client, stub) = Create(Options(), "POST", "https://shop.example.com/rest/V1/x");
        var form = new FormUrlEncodedContent([new("name", "Red shirt + hat"), new("price", "9.99"), new("note", "ü/&=")]);

        await client.PostAsync("V1/x", form);

        var request = Assert.Single(stub.Received);
        Assert.Equal("name=Red+shirt+%2B+hat&price=9.99&note=%C3%BC%2F%26%3D", request.Body);
        OAuthlibVerifier.AssertAllVerify(OnTheWire(request));

        // The same header checked without the body fails: the body really was signed.
        Assert.False(OAuthlibVerifier.Verify([OnTheWire(request) with { Body = null, ContentType = null }])[0].Ok);
    }

    [Fact]
    public async Task Json_bodies_are_not_signed()
    {
        var (client, stub) = Create(Options(), "PUT", "https://shop.example.com/rest/V1/products/sku1");

        await client.PutAsJsonAsync("V1/products/sku1", new { product = new { name = "x=1&y=2" } });

        var request = Assert.Single(stub.Received);
        Assert.StartsWith("{\"product\"", request.Body, StringComparison.Ordinal);
        Assert.True(OAuthlibVerifier.Verify([OnTheWire(request) with { Body = null }])[0].Ok);
    }

    [Fact]
    public async Task Each_attempt_gets_a_fresh_nonce()
    {
        var stub = new StubHttpHandler()
            .On("GET", "https://shop.example.com/rest/V1/orders", HttpStatusCode.ServiceUnavailable, "")
            .On("GET", "https://shop.example.com/rest/V1/orders", HttpStatusCode.OK, "{}");
        var signing = new MagentoOAuthHandler(Options()) { InnerHandler = stub };
        var retry = new RetryOnceHandler { InnerHandler = signing };
        var client = new HttpClient(retry) { BaseAddress = new Uri("https://shop.example.com/rest/") };

        HttpResponseMessage response = await client.GetAsync("V1/orders");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, stub.Received.Count);
        string Nonce(int i) => stub.Received[i].Authorization!["OAuth ".Length..].Split(", ").Single(p => p.StartsWith("oauth_nonce=", StringComparison.Ordinal));
        Assert.NotEqual(Nonce(0), Nonce(1));
        Assert.Matches("^oauth_nonce=\"[0-9a-z]{32}\"$", Nonce(0));
    }

    [Fact]
    public async Task Bearer_mode_sends_the_access_token_only()
    {
        var (client, stub) = Create(Options(o => o.Mode = MagentoAuthenticationMode.Bearer), "GET", "https://shop.example.com/rest/V1/orders");

        await client.GetAsync("V1/orders");

        Assert.Equal("Bearer at0123456789abcdefghijklmnopqrst", stub.Received[0].Authorization);
    }

    [Fact]
    public async Task Credentials_provider_is_asked_per_request_so_rotation_needs_no_restart()
    {
        int calls = 0;
        var first = new MagentoOAuth.Signing.OAuthCredentials("ck0123456789abcdefghijklmnopqrst", ConsumerSecret, "at0000000000000000000000000000001", TokenSecret);
        var second = new MagentoOAuth.Signing.OAuthCredentials("ck0123456789abcdefghijklmnopqrst", ConsumerSecret, "at0000000000000000000000000000002", TokenSecret);
        var options = new MagentoOAuthOptions { CredentialsProvider = (_, _) => ValueTask.FromResult(++calls == 1 ? first : second) };
        var stub = new StubHttpHandler()
            .On("GET", "https://shop.example.com/rest/V1/orders", HttpStatusCode.OK, "{}")
            .On("GET", "https://shop.example.com/rest/V1/orders", HttpStatusCode.OK, "{}");
        var client = new HttpClient(new MagentoOAuthHandler(options) { InnerHandler = stub }) { BaseAddress = new Uri("https://shop.example.com/rest/") };

        await client.GetAsync("V1/orders");
        await client.GetAsync("V1/orders");

        Assert.Contains("000001", stub.Received[0].Authorization, StringComparison.Ordinal);
        Assert.Contains("000002", stub.Received[1].Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_credentials_are_reported_by_name()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new MagentoOAuthHandler(new MagentoOAuthOptions { ConsumerKey = "k" }));
        Assert.Contains("ConsumerSecret", error.Message, StringComparison.Ordinal);
        Assert.Contains("AccessTokenSecret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddMagentoOAuth_wires_the_handler_into_IHttpClientFactory()
    {
        var stub = new StubHttpHandler().On("GET", "https://shop.example.com/rest/V1/store/storeConfigs", HttpStatusCode.OK, "[]", "application/json");
        var services = new ServiceCollection();
        services.AddHttpClient("shop", c => c.BaseAddress = new Uri("https://shop.example.com/rest/"))
            .ConfigurePrimaryHttpMessageHandler(() => stub)
            .AddMagentoOAuth(o =>
            {
                o.ConsumerKey = "ck0123456789abcdefghijklmnopqrst";
                o.ConsumerSecret = ConsumerSecret;
                o.AccessToken = "at0123456789abcdefghijklmnopqrst";
                o.AccessTokenSecret = TokenSecret;
            });
        using ServiceProvider provider = services.BuildServiceProvider();

        HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("shop");
        await client.GetAsync("V1/store/storeConfigs");

        var request = Assert.Single(stub.Received);
        OAuthlibVerifier.AssertAllVerify(OnTheWire(request));
    }

    [Fact]
    public async Task A_request_that_cannot_be_portable_is_logged_by_rule_without_its_query()
    {
        var logger = new CapturingLogger<MagentoOAuthHandler>();
        var stub = new StubHttpHandler().On("GET", "https://shop.example.com/rest/V1/products/ABC%2F10", HttpStatusCode.OK, "{}");
        var client = new HttpClient(new MagentoOAuthHandler(Options(), logger: logger) { InnerHandler = stub }) { BaseAddress = new Uri("https://shop.example.com/rest/") };

        await client.GetAsync("V1/products/ABC%2F10?customer_email=jane%40example.com");

        var warning = Assert.Single(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Contains("path-escape", warning.Message, StringComparison.Ordinal);
        Assert.Contains("G1, G2", warning.Message, StringComparison.Ordinal);
        Assert.All(logger.Entries, e => Assert.DoesNotContain("jane", e.Message, StringComparison.Ordinal));
        Assert.All(logger.Entries, e => Assert.DoesNotContain("at0123", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_explicit_Host_header_is_what_gets_signed()
    {
        var (client, stub) = Create(Options(), "GET", "https://10.1.2.3/rest/V1/orders");
        using var message = new HttpRequestMessage(HttpMethod.Get, "https://10.1.2.3/rest/V1/orders");
        message.Headers.Host = "shop.example.com";

        await client.SendAsync(message);

        // oauthlib, given the URL Magento reconstructs from the Host header, accepts the signature.
        var request = Assert.Single(stub.Received);
        OAuthlibVerifier.AssertAllVerify(OnTheWire(request) with { Url = "https://shop.example.com/rest/V1/orders" });
    }

    [Fact]
    public void AddMagentoOAuth_validates_options_when_the_host_starts()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("shop").AddMagentoOAuth(o => o.ConsumerKey = "only-a-key");
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<MagentoOAuthOptions>>().Get("shop"));
        Assert.Contains("AccessTokenSecret", error.Message, StringComparison.Ordinal);
    }

    private sealed class RetryOnceHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage first = await base.SendAsync(request, cancellationToken);
            if (first.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                return first;
            }

            first.Dispose();
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
