using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MagentoOAuth.Exchange;
using MagentoOAuth.Signing;
using Microsoft.Extensions.DependencyInjection;

namespace MagentoOAuth.Sandbox.Tests;

/// <summary>The stores a diagnostic tool must recognise, each over real HTTP on 127.0.0.1, as the web server in front of Magento breaks it.</summary>
public abstract class BrokenStoreTestBase : SandboxTestBase
{
    protected const string GuestMessage = "The consumer isn't authorized to access %resources.";

    protected const string AllMissing =
        "\"oauth_consumer_key\" is required. Enter and try again, \"oauth_signature\" is required. Enter and try again, " +
        "\"oauth_signature_method\" is required. Enter and try again, \"oauth_nonce\" is required. Enter and try again, " +
        "\"oauth_timestamp\" is required. Enter and try again";

    /// <summary>The options the running sandbox reads per request (tests change them after start, as the API does).</summary>
    protected SandboxOptions Live => Sandbox.App.Services.GetRequiredService<SandboxOptions>();

    /// <summary>A manual integration's four credentials (Active at once, no exchange needed).</summary>
    protected async Task<OAuthCredentials> ManualCredentialsAsync(string[]? resources = null)
    {
        JsonObject integration = await CreateIntegrationAsync(withUrls: false, resources: resources);
        JsonNode credentials = (await ActivateAsync((int)integration["id"]!))["credentials"]!;
        return new OAuthCredentials((string)credentials["consumerKey"]!, (string)credentials["consumerSecret"]!, (string)credentials["accessToken"]!, (string)credentials["accessTokenSecret"]!);
    }

    /// <summary>GET <paramref name="relative"/> signed for <paramref name="signedFor"/> (the same URL by default).</summary>
    protected async Task<HttpResponseMessage> SignedGetAsync(string relative, OAuthCredentials credentials, string? signedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(relative));
        request.Headers.TryAddWithoutValidation("Authorization", new OAuthSigner(Time).CreateAuthorizationHeader(new OAuthRequest("GET", Url(signedFor ?? relative)), credentials));
        return await Http.SendAsync(request);
    }

    protected static async Task<(HttpStatusCode Status, JsonNode? Body)> JsonOf(HttpResponseMessage response) =>
        (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));

    protected static string BasicHeader(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    protected async Task<HttpResponseMessage> SendAsync(HttpMethod method, string relative, string? authorization = null, string? host = null)
    {
        using var request = new HttpRequestMessage(method, Url(relative));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        return await Http.SendAsync(request);
    }
}

public sealed class StrippedAuthorizationTests : BrokenStoreTestBase
{
    protected override SandboxOptions Options => new() { StripAuthorization = true };

    [Fact]
    public async Task A_correctly_signed_rest_call_arrives_as_a_guest_and_the_acl_refuses_it()
    {
        OAuthCredentials access = await ManualCredentialsAsync();
        var (status, body) = await JsonOf(await SignedGetAsync("rest/V1/store/storeConfigs", access));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(GuestMessage, (string)body!["message"]!);
        Assert.Equal("Magento_Backend::store", (string)body["parameters"]!["resources"]!);

        // The same call once the web server passes the header on (CGIPassAuth On) is accepted.
        Live.StripAuthorization = false;
        Assert.Equal(HttpStatusCode.OK, (await SignedGetAsync("rest/V1/store/storeConfigs", access)).StatusCode);
    }

    [Fact]
    public async Task The_token_endpoints_report_every_oauth_parameter_missing()
    {
        Dictionary<string, string> posted = await ActivatedAsync(); // the admin and its callback POST are not behind the web server
        var (status, body, contentType) = await PostTokenAsync("request", Header("request", Consumer(posted)));

        Assert.Equal(400, status);
        Assert.Equal(AllMissing, Problem(body));
        Assert.StartsWith("text/html", contentType, StringComparison.Ordinal);

        (status, body, _) = await PostTokenAsync("access", Header("access", Consumer(posted).WithToken(new string('t', 32), new string('s', 32)), verifier: posted["oauth_verifier"]));
        Assert.Equal(400, status);
        Assert.StartsWith("\"oauth_consumer_key\" is required.", Problem(body), StringComparison.Ordinal);
        Assert.Contains("\"oauth_verifier\" is required. Enter and try again", Problem(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Under_index_php_the_header_is_stripped_too()
    {
        var (status, body, _) = await PostTokenAsync("request", "OAuth oauth_consumer_key=\"x\"", query: null);
        Assert.Equal((400, AllMissing), (status, Problem(body)));

        using HttpResponseMessage response = await SendAsync(HttpMethod.Post, "index.php/oauth/token/request", "OAuth oauth_consumer_key=\"x\"");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(AllMissing, Problem(await response.Content.ReadAsStringAsync()));
    }
}

public sealed class BasicAuthTests : BrokenStoreTestBase
{
    private const string Credentials = "staging:s3cret:with:colons";

    protected override SandboxOptions Options => new() { BasicAuth = Credentials };

    [Theory]
    [InlineData(null)]
    [InlineData("Basic c3RhZ2luZzp3cm9uZw==")] // staging:wrong
    [InlineData("Basic !!notbase64!!")]
    [InlineData("Bearer c3RhZ2luZzpzM2NyZXQ6d2l0aDpjb2xvbnM=")]
    [InlineData("OAuth oauth_consumer_key=\"k\"")]
    public async Task Without_the_right_credentials_the_web_server_answers_401_with_its_own_page(string? authorization)
    {
        foreach ((HttpMethod method, string path) in new[] { (HttpMethod.Get, "rest/V1/store/storeConfigs"), (HttpMethod.Post, "oauth/token/request"), (HttpMethod.Get, "magento_version"), (HttpMethod.Get, "") })
        {
            using HttpResponseMessage response = await SendAsync(method, path, authorization);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Basic realm=\"Staging\"", response.Headers.WwwAuthenticate.ToString());
            Assert.Equal("text/html", response.Content.Headers.ContentType?.ToString());
            Assert.Contains("<title>401 Authorization Required</title>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_the_right_credentials_magento_sees_a_basic_header_and_so_a_guest()
    {
        string basic = BasicHeader(Credentials);
        var (status, body) = await JsonOf(await SendAsync(HttpMethod.Get, "rest/V1/store/storeConfigs", "basic " + basic["Basic ".Length..]));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(GuestMessage, (string)body!["message"]!);

        using HttpResponseMessage token = await SendAsync(HttpMethod.Post, "oauth/token/request", basic);
        Assert.Equal(HttpStatusCode.BadRequest, token.StatusCode);
        Assert.Equal(AllMissing, Problem(await token.Content.ReadAsStringAsync()));

        using HttpResponseMessage version = await SendAsync(HttpMethod.Get, "magento_version", basic);
        Assert.Equal("Magento/2.4 (Community)", await version.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_sandbox_api_and_admin_are_not_behind_it()
    {
        OAuthCredentials access = await ManualCredentialsAsync(); // the API works without credentials
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(Url("admin"))).StatusCode);

        // A signed call cannot also carry Basic: one header, and the web server wants Basic.
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignedGetAsync("rest/V1/store/storeConfigs", access)).StatusCode);
        Assert.Equal("Basic realm=\"Staging\"", (await SignedGetAsync("rest/V1/store/storeConfigs", access)).Headers.WwwAuthenticate.ToString());
    }
}

public sealed class RedirectTests : BrokenStoreTestBase
{
    private static HttpClient NoRedirects() => new(new SocketsHttpHandler { AllowAutoRedirect = false });

    [Fact]
    public async Task Requests_for_another_authority_are_moved_permanently_with_path_and_query_as_sent()
    {
        using HttpClient http = NoRedirects();
        int port = Sandbox.BaseUrl.Port;
        Live.RedirectTo = $"http://localhost:{port}/";
        const string target = "rest/default/V1/products?searchCriteria%5BpageSize%5D=5&q=a+b";

        using HttpResponseMessage moved = await http.GetAsync(Url(target));
        Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
        Assert.Equal($"http://localhost:{port}/{target}", moved.Headers.Location!.OriginalString);
        Assert.Equal("text/html", moved.Content.Headers.ContentType?.ToString());
        Assert.Contains("301 Moved Permanently", await moved.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using HttpResponseMessage token = await http.PostAsync(Url("index.php/oauth/token/request"), null);
        Assert.Equal((HttpStatusCode.MovedPermanently, $"http://localhost:{port}/index.php/oauth/token/request"), (token.StatusCode, token.Headers.Location!.OriginalString));
    }

    [Fact]
    public async Task At_the_target_authority_requests_are_served_so_there_is_no_loop()
    {
        using HttpClient http = NoRedirects();
        int port = Sandbox.BaseUrl.Port;
        Live.RedirectTo = $"http://localhost:{port}/";

        using var request = new HttpRequestMessage(HttpMethod.Get, Url("rest/V1/store/storeConfigs"));
        request.Headers.Host = $"LocalHost:{port}";
        using HttpResponseMessage served = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, served.StatusCode);
        Assert.Equal(GuestMessage, (string)JsonNode.Parse(await served.Content.ReadAsStringAsync())!["message"]!);

        // Another scheme at the same host and port is another authority too (http→https).
        Live.RedirectTo = $"https://127.0.0.1:{port}/";
        using HttpResponseMessage https = await http.GetAsync(Url("magento_version"));
        Assert.Equal($"https://127.0.0.1:{port}/magento_version", https.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_sandbox_api_and_admin_are_not_redirected()
    {
        using HttpClient http = NoRedirects();
        Live.RedirectTo = "https://www.shop.example/";
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Url("sandbox/api/integrations"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Url("admin"))).StatusCode);
        Assert.Equal("https://www.shop.example/", (await http.GetFromJsonAsync<JsonObject>(Url("sandbox/api/store")))!["redirectTo"]!.GetValue<string>());
    }

}

public sealed class VersionAndIndexPhpTests : BrokenStoreTestBase
{
    [Theory]
    [InlineData("magento_version")]
    [InlineData("magento_version/index/index")]
    [InlineData("index.php/magento_version")]
    public async Task Magento_version_answers_name_major_minor_and_edition(string path)
    {
        using HttpResponseMessage response = await Http.GetAsync(Url(path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Magento/2.4 (Community)", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/html; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task Without_the_module_or_with_another_method_it_is_the_usual_storefront_404()
    {
        using HttpResponseMessage unknown = await Http.GetAsync(Url("no/such/page"));
        using HttpResponseMessage post = await Http.PostAsync(Url("magento_version"), null);
        Assert.Equal((HttpStatusCode.NotFound, 0), (post.StatusCode, (await post.Content.ReadAsByteArrayAsync()).Length));

        Live.ExposeVersion = false;
        using HttpResponseMessage disabled = await Http.GetAsync(Url("magento_version"));
        Assert.Equal(unknown.StatusCode, disabled.StatusCode);
        Assert.Equal(await unknown.Content.ReadAsStringAsync(), await disabled.Content.ReadAsStringAsync());
        Assert.Equal(unknown.Content.Headers.ContentType, disabled.Content.Headers.ContentType);
    }

    [Fact]
    public async Task Index_php_forms_reach_rest_and_are_signed_as_requested()
    {
        OAuthCredentials access = await ManualCredentialsAsync();

        using HttpResponseMessage signed = await SignedGetAsync("index.php/rest/V1/store/storeConfigs", access);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        JsonArray configs = (await signed.Content.ReadFromJsonAsync<JsonArray>())!;
        Assert.Equal(Sandbox.BaseUrl.AbsoluteUri, (string)configs[0]!["base_url"]!); // index.php is the front controller, not the base URL

        // Magento signs REQUEST_URI: a signature made for the URL without index.php does not match.
        var (status, body) = await JsonOf(await SignedGetAsync("index.php/rest/V1/store/storeConfigs", access, signedFor: "rest/V1/store/storeConfigs"));
        Assert.Equal((HttpStatusCode.Unauthorized, "The signature is invalid. Verify and try again."), (status, (string)body!["message"]!));

        using HttpResponseMessage withStore = await SignedGetAsync("index.php/rest/fr/V1/store/websites", access);
        Assert.Equal(HttpStatusCode.OK, withStore.StatusCode);
    }

    [Fact]
    public async Task Index_php_forms_are_not_a_way_around_the_sandbox_api_checks()
    {
        await CreateIntegrationAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("index.php/sandbox/api/integrations/1/activate"));
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        Assert.Equal(HttpStatusCode.NotFound, (await Http.SendAsync(request)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(Url("INDEX.PHP/magento_version"))).StatusCode);
        Assert.Equal(0, Receiver.Unread);
    }
}

public sealed class NoRewritesTests : BrokenStoreTestBase
{
    protected override SandboxOptions Options => new() { RequireIndexPhp = true };

    [Theory]
    [InlineData("GET", "rest/V1/store/storeConfigs")]
    [InlineData("POST", "oauth/token/request")]
    [InlineData("POST", "oauth/token/access")]
    [InlineData("GET", "magento_version")]
    public async Task The_pretty_paths_are_the_web_servers_404(string method, string path)
    {
        using HttpResponseMessage response = await SendAsync(new HttpMethod(method), path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("<title>404 Not Found</title>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_index_php_forms_work_the_whole_flow_included()
    {
        Assert.Equal("Magento/2.4 (Community)", await Http.GetStringAsync(Url("index.php/magento_version")));
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(Url("admin"))).StatusCode);

        Dictionary<string, string> posted = await ActivatedAsync();
        var client = new MagentoTokenClient(Http, timeProvider: Time);
        OAuthCredentials access = await client.ExchangeAsync(new Uri(Sandbox.BaseUrl, "index.php/"), posted["oauth_consumer_key"], posted["oauth_consumer_secret"], posted["oauth_verifier"]);
        Assert.Equal("active", (string)(await GetIntegrationAsync(1))["status"]!);

        Assert.Equal(HttpStatusCode.OK, (await SignedGetAsync("index.php/rest/V1/store/storeConfigs", access)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SignedGetAsync("rest/V1/store/storeConfigs", access)).StatusCode);
    }
}

public sealed class StoreResourceTests : BrokenStoreTestBase
{
    [Fact]
    public async Task Store_views_list_every_view_with_magentos_fields_consistent_with_websites_and_configs()
    {
        using HttpClient client = SignedClient(await ManualCredentialsAsync());
        string views = await client.GetStringAsync("V1/store/storeViews");
        Assert.Equal(
            """[{"id":0,"code":"admin","name":"Admin","website_id":0,"store_group_id":0,"is_active":1},""" +
            """{"id":1,"code":"default","name":"Default Store View","website_id":1,"store_group_id":1,"is_active":1},""" +
            """{"id":2,"code":"fr","name":"French Store View","website_id":1,"store_group_id":1,"is_active":1}]""",
            views);

        JsonArray parsed = JsonNode.Parse(views)!.AsArray();
        JsonArray configs = (await client.GetFromJsonAsync<JsonArray>("V1/store/storeConfigs"))!;
        JsonArray websites = (await client.GetFromJsonAsync<JsonArray>("V1/store/websites"))!;
        JsonArray groups = (await client.GetFromJsonAsync<JsonArray>("V1/store/storeGroups"))!;
        Assert.Equal(configs.Select(c => ((int)c!["id"]!, (string)c["code"]!, (int)c["website_id"]!)),
            parsed.Where(v => (int)v!["id"]! != 0).Select(v => ((int)v!["id"]!, (string)v["code"]!, (int)v["website_id"]!)));
        Assert.All(parsed, v => Assert.Contains(websites, w => (int)w!["id"]! == (int)v!["website_id"]!));
        Assert.All(parsed, v => Assert.Contains(groups, g => (int)g!["id"]! == (int)v!["store_group_id"]! && (int)g["website_id"]! == (int)v["website_id"]!));
        Assert.All(websites, w => Assert.Contains(groups, g => (int)g!["id"]! == (int)w!["default_group_id"]!));
        Assert.Equal("Main Website Store", (string)groups[1]!["name"]!);
        Assert.Equal(1, (int)groups[1]!["default_store_id"]!);

        // Every store view code but the admin's is a REST store code.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("fr/V1/store/storeViews")).StatusCode);
    }

    [Fact]
    public async Task Store_views_need_magento_backend_store()
    {
        using HttpClient client = SignedClient(await ManualCredentialsAsync(["Magento_Catalog::products"]));
        foreach (string path in new[] { "V1/store/storeViews", "V1/store/storeGroups" })
        {
            var (status, body) = await JsonOf(await client.GetAsync(path));
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal(GuestMessage, (string)body!["message"]!);
            Assert.Equal("Magento_Backend::store", (string)body["parameters"]!["resources"]!);
        }
    }
}

public sealed class SeparateStoresFrontTests : BrokenStoreTestBase
{
    protected override SandboxOptions Options => new() { SeparateStores = true, RequireIndexPhp = true };

    [Fact]
    public async Task A_store_in_a_subfolder_without_rewrites_answers_under_its_index_php()
    {
        OAuthCredentials access = await ManualCredentialsAsync();
        using HttpResponseMessage response = await SignedGetAsync("stores/1/index.php/rest/V1/store/storeConfigs", access);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Uri(Sandbox.BaseUrl, "stores/1/").AbsoluteUri, (string)(await response.Content.ReadFromJsonAsync<JsonArray>())![0]!["base_url"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await SignedGetAsync("stores/1/rest/V1/store/storeConfigs", access)).StatusCode);
    }

    [Fact]
    public async Task A_store_prefix_is_not_a_way_around_the_sandbox_api_checks()
    {
        await CreateIntegrationAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("stores/1/sandbox/api/integrations/1/activate"));
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        Assert.Equal(HttpStatusCode.NotFound, (await Http.SendAsync(request)).StatusCode);
        Assert.Equal(0, Receiver.Unread);
    }
}
