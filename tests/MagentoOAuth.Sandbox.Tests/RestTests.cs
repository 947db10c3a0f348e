using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MagentoOAuth.Http;
using MagentoOAuth.Signing;

namespace MagentoOAuth.Sandbox.Tests;

public sealed class RestTests : SandboxTestBase
{
    private static async Task<(HttpStatusCode Status, JsonNode? Body)> Json(HttpResponseMessage response) =>
        (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));

    [Fact]
    public async Task Unsigned_calls_are_guests_and_refused_by_the_acl()
    {
        var (status, body) = await Json(await Http.GetAsync(Url("rest/V1/store/storeConfigs")));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("The consumer isn't authorized to access %resources.", (string)body!["message"]!);
        Assert.Equal("Magento_Backend::store", (string)body["parameters"]!["resources"]!);
    }

    [Fact]
    public async Task Signed_calls_read_store_configs_websites_products_and_orders()
    {
        using HttpClient client = SignedClient(await ExchangedAsync());

        JsonArray configs = (await client.GetFromJsonAsync<JsonArray>("V1/store/storeConfigs"))!;
        Assert.Equal(Sandbox.BaseUrl.AbsoluteUri, (string)configs[0]!["base_url"]!);
        Assert.Equal("en_US", (string)configs[0]!["locale"]!);
        Assert.NotEmpty((await client.GetFromJsonAsync<JsonArray>("V1/store/websites"))!);

        JsonObject bags = (await client.GetFromJsonAsync<JsonObject>(
            "V1/products?searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=name&searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=%25Bag%25&searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bcondition_type%5D=like&searchCriteria%5BpageSize%5D=5"))!;
        Assert.Equal(1, (int)bags["total_count"]!);
        Assert.Equal("24-MB01", (string)bags["items"]![0]!["sku"]!);
        Assert.Equal(5, (int)bags["search_criteria"]!["page_size"]!);

        JsonObject orders = (await client.GetFromJsonAsync<JsonObject>("V1/default/orders?searchCriteria=".Replace("V1/default", "default/V1", StringComparison.Ordinal)))!;
        Assert.Equal(3, (int)orders["total_count"]!);
    }

    [Theory]
    [InlineData("WSH01%2F28", "WSH01/28")]
    [InlineData("Gift%20Card%2050", "Gift Card 50")]
    [InlineData("A%2BB%20Cable", "A+B Cable")]
    [InlineData("caf%C3%A9-cr%C3%A8me", "café-crème")]
    public async Task Products_whose_sku_has_slash_space_plus_or_accents_are_found(string encoded, string sku)
    {
        using HttpClient client = SignedClient(await ExchangedAsync(), SignatureProfile.MagentoG4);
        JsonObject product = (await client.GetFromJsonAsync<JsonObject>("V1/products/" + encoded))!;
        Assert.Equal(sku, (string)product["sku"]!);
    }

    [Fact]
    public async Task Product_create_update_delete_and_the_404_magento_gives_for_an_unknown_sku()
    {
        using HttpClient client = SignedClient(await ExchangedAsync());

        var created = await client.PostAsJsonAsync("V1/products", new { product = new { sku = "NEW-1", name = "New", price = 10 } });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var updated = await client.PutAsJsonAsync("V1/products/NEW-1", new { product = new { price = 12.5 } });
        Assert.Equal(12.5m, (decimal)(await updated.Content.ReadFromJsonAsync<JsonObject>())!["price"]!);
        Assert.Equal("true", await (await client.DeleteAsync("V1/products/NEW-1")).Content.ReadAsStringAsync());

        var (status, body) = await Json(await client.GetAsync("V1/products/NEW-1"));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("The product that was requested doesn't exist. Verify the product and try again.", (string)body!["message"]!);
    }

    [Fact]
    public async Task Async_calls_answer_202_with_a_bulk()
    {
        using HttpClient client = SignedClient(await ExchangedAsync());
        var (status, body) = await Json(await client.PostAsJsonAsync("async/V1/products", new { product = new { sku = "ASYNC-1", name = "Async" } }));
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("accepted", (string)body!["request_items"]![0]!["status"]!);
        Assert.False((bool)body["errors"]!);
    }

    [Fact]
    public async Task Unknown_routes_and_missing_search_criteria_are_refused_like_magento()
    {
        using HttpClient client = SignedClient(await ExchangedAsync());
        var (status, body) = await Json(await client.GetAsync("V1/nothing/here"));
        Assert.Equal((HttpStatusCode.NotFound, "Request does not match any route."), (status, (string)body!["message"]!));

        (status, body) = await Json(await client.GetAsync("V1/orders"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("searchCriteria", (string)body!["parameters"]!["fieldName"]!);
    }

    [Fact]
    public async Task An_integration_without_the_resource_is_refused_naming_it()
    {
        var integration = await CreateIntegrationAsync(withUrls: false, resources: ["Magento_Catalog::products"]);
        var credentials = (await ActivateAsync((int)integration["id"]!))["credentials"]!;
        using HttpClient client = SignedClient(new OAuthCredentials((string)credentials["consumerKey"]!, (string)credentials["consumerSecret"]!, (string)credentials["accessToken"]!, (string)credentials["accessTokenSecret"]!));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("V1/products?searchCriteria=")).StatusCode);
        var (status, body) = await Json(await client.GetAsync("V1/orders?searchCriteria="));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Magento_Sales::actions_view", (string)body!["parameters"]!["resources"]!);
    }

    [Fact]
    public async Task Invalid_signature_and_reused_nonce_on_rest_are_401_with_magento_phrases()
    {
        OAuthCredentials access = await ExchangedAsync();
        using HttpClient wrong = SignedClient(access.WithToken(access.Token!, new string('x', 32)));
        var (status, body) = await Json(await wrong.GetAsync("V1/store/websites"));
        Assert.Equal((HttpStatusCode.Unauthorized, "The signature is invalid. Verify and try again."), (status, (string)body!["message"]!));

        string header = new OAuthSigner(Time).CreateAuthorizationHeader(new OAuthRequest("GET", Url("rest/V1/store/websites")) { Nonce = "samenonce" }, access);
        for (int attempt = 0; attempt < 2; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Url("rest/V1/store/websites"));
            request.Headers.TryAddWithoutValidation("Authorization", header);
            (status, body) = await Json(await Http.SendAsync(request));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("The nonce is already being used by the consumer with ID %1", (string)body!["message"]!);
        Assert.Equal("1", (string)body["parameters"]![0]!);
    }

    [Fact]
    public async Task Reauthorize_keeps_the_consumer_and_kills_the_old_access_token_at_once()
    {
        OAuthCredentials access = await ExchangedAsync();
        using HttpClient client = SignedClient(access);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("V1/store/websites")).StatusCode);

        var activation = await ActivateAsync(1, reauthorize: true);
        var posted = await Receiver.NextPostAsync();

        Assert.Equal(access.ConsumerKey, posted["oauth_consumer_key"]);
        Assert.Equal(access.ConsumerSecret, posted["oauth_consumer_secret"]);
        Assert.NotNull(activation["identityLinkUrl"]);
        var (status, body) = await Json(await client.GetAsync("V1/store/websites"));
        Assert.Equal((HttpStatusCode.Unauthorized, "Specified token does not exist"), (status, (string)body!["message"]!));
        Assert.Equal("inactive", (string)(await GetIntegrationAsync(1))["status"]!);
    }

    [Fact]
    public async Task Deleting_the_integration_stops_its_tokens_and_it_answers_404()
    {
        OAuthCredentials access = await ExchangedAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync(Url("sandbox/api/integrations/1"))).StatusCode);

        using HttpClient client = SignedClient(access);
        var (status, body) = await Json(await client.GetAsync("V1/store/websites"));
        Assert.Equal((HttpStatusCode.Unauthorized, "A consumer having the specified key does not exist"), (status, (string)body!["message"]!));
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(Url("sandbox/api/integrations/1"))).StatusCode);
    }

    [Fact]
    public async Task Bearer_use_of_an_integration_token_is_refused_by_default()
    {
        using HttpClient client = SignedClient(await ExchangedAsync(), mode: MagentoAuthenticationMode.Bearer);
        var (status, body) = await Json(await client.GetAsync("V1/store/websites"));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("The consumer isn't authorized to access %resources.", (string)body!["message"]!);
    }

    [Fact]
    public async Task Refusals_are_counted_with_their_reasons()
    {
        OAuthCredentials access = await ExchangedAsync();
        using HttpClient wrong = SignedClient(access.WithToken(access.Token!, new string('x', 32)));
        await wrong.GetAsync("V1/store/websites");
        using HttpClient right = SignedClient(access);
        await right.GetAsync("V1/store/websites");

        JsonObject integration = await GetIntegrationAsync(1);
        Assert.Equal(1, (int)integration["refusals"]!["The signature is invalid. Verify and try again."]!);
        Assert.True((int)integration["acceptedCalls"]! >= 3, "request token, access token and one REST call");
    }
}

public sealed class BearerAllowedTests : SandboxTestBase
{
    protected override SandboxOptions Options => new() { AllowBearer = true };

    [Fact]
    public async Task With_allow_bearer_the_access_token_works_alone()
    {
        using HttpClient client = SignedClient(await ExchangedAsync(), mode: MagentoAuthenticationMode.Bearer);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("V1/store/websites")).StatusCode);
    }
}
