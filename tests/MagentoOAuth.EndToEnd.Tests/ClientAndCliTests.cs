using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MagentoOAuth.AspNetCore;
using MagentoOAuth.AspNetCore.Clients;
using MagentoOAuth.Cli;
using MagentoOAuth.Rest;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Sandbox.Oauth;
using MagentoOAuth.Signing;
using MagentoOAuth.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace MagentoOAuth.EndToEnd.Tests;

public sealed partial class ClientAndCliTests : EndToEndTestBase
{
    protected override SandboxOptions SandboxOptions => new() { SeparateStores = true, Signer = SignerGeneration.G2 };

    protected override void ConfigureIntegration(MagentoIntegrationOptions options) =>
        options.Events.OnLinkAccount = context =>
        {
            context.AccountId = "account-42";
            return Task.CompletedTask;
        };

    private async Task<StoreConnection> ActiveStoreAsync(string name = "app")
    {
        JsonObject integration = await CreateIntegrationAsync(name);
        await ActivateAsync((int)integration["id"]!);
        return await WaitForActiveAsync((string)integration["consumerKey"]!);
    }

    private static async Task<(int Exit, string Output, string Error)> CliAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CliApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_store_whose_signer_reads_a_sku_with_slash_differently_is_retried_with_its_profile_and_remembered()
    {
        StoreConnection store = await ActiveStoreAsync();
        Assert.Equal(SignatureProfile.Rfc5849, store.Profile);
        IMagentoClientFactory factory = Endpoint.Services.GetRequiredService<IMagentoClientFactory>();

        using (HttpClient client = factory.CreateClient(store))
        {
            HttpResponseMessage response = await client.GetAsync("V1/products/WSH01%2F28");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        StoreConnection remembered = (await Store.FindAsync(store.Id))!;
        Assert.Equal(SignatureProfile.MagentoG2, remembered.Profile);
        using HttpClient again = factory.CreateClient(remembered);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("V1/products/WSH01%2F28")).StatusCode);
        int refusals = (int)(await SandboxIntegrationAsync(1))["refusedCalls"]!;
        Assert.Equal(1, refusals);
    }

    [Fact]
    public async Task Search_criteria_and_paging_read_every_product_with_progress()
    {
        StoreConnection store = await ActiveStoreAsync();
        using HttpClient client = Endpoint.Services.GetRequiredService<IMagentoClientFactory>().CreateClient(store);
        var progress = new List<MagentoPageProgress>();

        var skus = new List<string>();
        await foreach (JsonElement product in client.GetAllPagesAsync("V1/products", new SearchCriteria().OrderBy("price").PageSize(3), new SyncProgress(progress)))
        {
            skus.Add(product.GetProperty("sku").GetString()!);
        }

        Assert.Equal(8, skus.Count);
        Assert.Equal("A+B Cable", skus[0]);
        Assert.Equal([3, 6, 8], progress.Select(p => p.Items).ToArray());

        var filtered = new SearchCriteria().Where("name", "%Bag%", "like").Or("sku", "24-WG02").PageSize(10);
        JsonElement found = JsonDocument.Parse(await client.GetStringAsync("V1/products?" + filtered.ToQueryString())).RootElement;
        Assert.Equal(2, found.GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task Confirming_links_the_store_to_the_apps_account()
    {
        JsonObject integration = await CreateIntegrationAsync();
        JsonObject activation = await ActivateAsync(1);
        await WaitForActiveAsync((string)integration["consumerKey"]!);

        using var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false });
        string page = await browser.GetStringAsync((string)activation["identityLinkUrl"]!);
        var fields = Hidden().Matches(page).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        using HttpResponseMessage confirmed = await browser.PostAsync(EndpointUrl + "/magento/identity", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.SeeOther, confirmed.StatusCode);
        Assert.Equal("account-42", (await Store.FindByConsumerKeyAsync((string)integration["consumerKey"]!))!.AccountId);
    }

    [Fact]
    public async Task Stores_list_json_is_data_only_and_show_never_prints_a_secret()
    {
        StoreConnection store = await ActiveStoreAsync();

        var (exit, output, _) = await CliAsync("stores", "list", "--json", "--db", DatabasePath);
        JsonObject listed = JsonNode.Parse(output)!.AsArray().Single()!.AsObject();
        Assert.Equal(0, exit);
        Assert.Equal((store.Id.ToString(), store.StoreBaseUrl, store.ConsumerKey, "active"),
            ((string)listed["id"]!, (string)listed["storeBaseUrl"]!, (string)listed["consumerKey"]!, (string)listed["status"]!));
        Assert.True(listed.ContainsKey("statusReason"));

        var (_, shown, _) = await CliAsync("stores", "show", store.ConsumerKey, "--db", DatabasePath);
        Assert.DoesNotContain(store.AccessToken!, shown, StringComparison.Ordinal);
        Assert.DoesNotContain(store.AccessTokenSecret!, shown, StringComparison.Ordinal);
        Assert.DoesNotContain(store.ConsumerSecret, shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_integration_makes_call_fail_with_magentos_words_and_marks_the_store_revoked()
    {
        StoreConnection store = await ActiveStoreAsync();
        await Http.DeleteAsync(new Uri(Sandbox.BaseUrl, "sandbox/api/integrations/1"));

        var (exit, output, error) = await CliAsync("call", store.Id.ToString(), "GET", "/V1/store/websites", "--db", DatabasePath);

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Contains("A consumer having the specified key does not exist", error, StringComparison.Ordinal);
        Assert.Contains("Fix:", error, StringComparison.Ordinal);
        Assert.Equal(StoreStatus.Revoked, (await Store.FindAsync(store.Id))!.Status);
    }

    [Fact]
    public async Task Stores_add_verifies_a_manual_integration_before_storing_it_and_remove_forgets_it()
    {
        using HttpResponseMessage created = await Http.PostAsync(new Uri(Sandbox.BaseUrl, "sandbox/api/integrations"), new StringContent("{\"name\":\"manual\"}", Encoding.UTF8, "application/json"));
        int id = (int)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!;
        JsonNode credentials = (await ActivateAsync(id))["credentials"]!;
        string url = Sandbox.BaseUrl.AbsoluteUri;   // with separate stores, a manual integration still answers at the root

        var (badExit, _, badError) = await CliAsync("stores", "add", "--url", url, "--consumer-key", (string)credentials["consumerKey"]!, "--consumer-secret", new string('x', 32),
            "--access-token", (string)credentials["accessToken"]!, "--access-token-secret", (string)credentials["accessTokenSecret"]!, "--db", DatabasePath);
        Assert.Equal(1, badExit);
        Assert.Contains("The signature is invalid", badError, StringComparison.Ordinal);
        Assert.Empty(await Store.ListAllAsync());

        var (exit, _, error) = await CliAsync("stores", "add", "--url", url, "--consumer-key", (string)credentials["consumerKey"]!, "--consumer-secret", (string)credentials["consumerSecret"]!,
            "--access-token", (string)credentials["accessToken"]!, "--access-token-secret", (string)credentials["accessTokenSecret"]!, "--db", DatabasePath);
        Assert.True(exit == 0, error);
        StoreConnection added = Assert.Single(await Store.ListAllAsync());
        Assert.Equal((StoreStatus.Active, "default"), (added.Status, added.StoreName));

        Assert.Equal(0, (await CliAsync("stores", "remove", added.ConsumerKey, "--db", DatabasePath)).Exit);
        Assert.Empty(await Store.ListAllAsync());
    }

    [Fact]
    public async Task Call_refuses_bad_input_with_exit_2()
    {
        await ActiveStoreAsync();
        Assert.Equal(2, (await CliAsync("call", "nope", "GET", "/V1/orders", "--db", DatabasePath)).Exit);
        Assert.Equal(2, (await CliAsync("call", "nope", "FETCH", "/V1/orders", "--db", DatabasePath)).Exit);
        Assert.Equal(2, (await CliAsync("call", (await Store.ListAllAsync())[0].ConsumerKey, "POST", "/V1/products", "--data", "{not json", "--db", DatabasePath)).Exit);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex Hidden();

    private sealed class SyncProgress(List<MagentoPageProgress> sink) : IProgress<MagentoPageProgress>
    {
        public void Report(MagentoPageProgress value) => sink.Add(value);
    }
}

public sealed class DemoTests
{
    [Fact]
    public async Task The_demo_runs_the_whole_flow_and_ends_with_a_signed_call()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CliApp.RunAsync(["demo"], output, error);

        string text = output.ToString();
        Assert.True(exit == 0, text + error);
        foreach (string step in new[] { "received", "request token", "access token", "verified", "active", "loginSuccessCallback", "Signed API call", "200 OK" })
        {
            Assert.Contains(step, text, StringComparison.Ordinal);
        }
    }
}
