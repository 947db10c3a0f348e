using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace MagentoOAuth.Sandbox.Tests;

public sealed class AdminAndStateTests : SandboxTestBase
{
    [Fact]
    public async Task The_admin_lists_integrations_and_creates_one_from_its_form()
    {
        using var noRedirects = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        HttpResponseMessage saved = await AdminPostAsync("admin/integrations", [new("name", "Shop sync"), new("endpoint", Receiver.CallbackUrl), new("identity_link_url", Receiver.IdentityLinkUrl)], noRedirects);
        string grid = await Http.GetStringAsync(Url("admin"));

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("<td>Shop sync</td>", grid, StringComparison.Ordinal);
        Assert.Contains("action=\"/admin/integrations/1/activate\"", grid, StringComparison.Ordinal);
        Assert.Contains("data-status=\"inactive\"", grid, StringComparison.Ordinal);
        Assert.Contains("<label for=\"name\">", grid, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_javascript_activation_posts_the_credentials_and_shows_the_identity_link()
    {
        await CreateIntegrationAsync();

        string page = await (await AdminPostAsync("admin/integrations/1/activate")).Content.ReadAsStringAsync();
        var posted = await Receiver.NextPostAsync();

        Assert.Contains("posted to its Callback URL (HTTP 200)", page, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(Receiver.IdentityLinkUrl + "?oauth_consumer_key=" + posted["oauth_consumer_key"]), page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manual_integration_shows_its_four_credentials_at_once()
    {
        await CreateIntegrationAsync(withUrls: false);

        string page = await (await AdminPostAsync("admin/integrations/1/activate")).Content.ReadAsStringAsync();
        JsonObject integration = await GetIntegrationAsync(1);

        Assert.Equal("active", (string)integration["status"]!);
        Assert.Contains((string)integration["accessTokenSecret"]!, page, StringComparison.Ordinal);
        Assert.Contains("Consumer Secret", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_callback_that_cannot_be_reached_is_reported_and_any_http_answer_counts_as_posted()
    {
        Receiver.AnswerStatus = 500;
        await CreateIntegrationAsync();
        JsonObject answered500 = await ActivateAsync(1);
        Assert.Equal(500, (int)answered500["callbackStatus"]!);
        Assert.NotNull(answered500["identityLinkUrl"]);

        var unreachable = await Http.PostAsJsonAsync(Url("sandbox/api/integrations"), new { name = "gone", callbackUrl = "http://127.0.0.1:9/cb", identityLinkUrl = "http://127.0.0.1:9/id" });
        int id = (int)(await unreachable.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        JsonObject failed = await ActivateAsync(id);
        Assert.Equal("The attempt to post data to consumer failed due to an unexpected error. Please try again later.", (string)failed["callbackError"]!);
        Assert.Null(failed["identityLinkUrl"]);
    }

    [Fact]
    public async Task The_success_callback_closes_the_popup_exactly_as_magento_does()
    {
        Assert.Equal("<script>setTimeout(\"self.close()\",1000);</script>", await Http.GetStringAsync(Url("admin/integration/loginSuccessCallback")));
    }

    [Theory]
    [InlineData("{\"callbackUrl\":\"http://x.test/cb\"}", "'name' is required.")]
    [InlineData("{\"name\":\"x\",\"identityLinkUrl\":\"javascript:alert(1)\"}", "Invalid Identity Link URL")]
    [InlineData("not json", "The body is not JSON")]
    public async Task The_api_refuses_bad_integrations_with_400(string body, string message)
    {
        HttpResponseMessage response = await Http.PostAsync(Url("sandbox/api/integrations"), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!, StringComparison.Ordinal);
        Assert.Empty((await Http.GetFromJsonAsync<JsonArray>(Url("sandbox/api/integrations")))!);
    }
}

public sealed class PersistenceTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "magento-sandbox-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task With_a_data_directory_integrations_and_tokens_survive_a_restart()
    {
        using var http = new HttpClient();
        JsonObject before;
        await using (SandboxHost first = await SandboxHost.StartAsync(new SandboxOptions { DataDirectory = _directory }))
        {
            await http.PostAsJsonAsync(new Uri(first.BaseUrl, "sandbox/api/integrations"), new { name = "kept" });
            await http.PostAsync(new Uri(first.BaseUrl, "sandbox/api/integrations/1/activate"), null);
            before = (await http.GetFromJsonAsync<JsonObject>(new Uri(first.BaseUrl, "sandbox/api/integrations/1")))!;
        }

        await using SandboxHost second = await SandboxHost.StartAsync(new SandboxOptions { DataDirectory = _directory });
        JsonObject after = (await http.GetFromJsonAsync<JsonObject>(new Uri(second.BaseUrl, "sandbox/api/integrations/1")))!;

        Assert.Equal((string)before["consumerKey"]!, (string)after["consumerKey"]!);
        Assert.Equal((string)before["accessToken"]!, (string)after["accessToken"]!);
        Assert.Equal("active", (string)after["status"]!);
    }
}
