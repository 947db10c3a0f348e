using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace MagentoOAuth.Sandbox.Tests;

/// <summary>
/// The sandbox listens on the developer's machine, where any web page their browser opens can send it requests: a form
/// post or a text/plain fetch (no CORS preflight), or a DNS name rebound to 127.0.0.1. None of them may change it.
/// </summary>
public sealed class BrowserReachTests : SandboxTestBase
{
    private async Task<int> CountAsync() => (await Http.GetFromJsonAsync<JsonArray>(Url("sandbox/api/integrations")))!.Count;

    private const string Body = """{"name":"evil","callbackUrl":"http://evil.example/cb","identityLinkUrl":"http://evil.example/id"}""";

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task The_api_takes_bodies_only_as_json(string contentType)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using HttpResponseMessage response = await Http.PostAsync(Url("sandbox/api/integrations"), content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync());

        using HttpResponseMessage json = await Http.PostAsync(Url("sandbox/api/integrations"), new StringContent(Body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, json.StatusCode);
        Assert.Equal(1, await CountAsync());
    }

    [Fact]
    public async Task A_faults_replacement_as_text_plain_is_refused_too()
    {
        using HttpResponseMessage response = await Http.PutAsync(Url("sandbox/api/faults"), new StringContent("[\"*:error=500:1\"]", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Empty((await Http.GetFromJsonAsync<JsonArray>(Url("sandbox/api/faults")))!);
    }

    [Theory]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task A_bodiless_activate_or_delete_from_another_site_is_refused(string header, string value)
    {
        await CreateIntegrationAsync();
        foreach ((HttpMethod method, string path) in new[] { (HttpMethod.Post, "sandbox/api/integrations/1/activate"), (HttpMethod.Delete, "sandbox/api/integrations/1") })
        {
            using var request = new HttpRequestMessage(method, Url(path));
            request.Headers.TryAddWithoutValidation(header, value);
            using HttpResponseMessage response = await Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        Assert.Equal("inactive", (string)(await GetIntegrationAsync(1))["status"]!);
        Assert.Equal(0, Receiver.Unread); // no credentials were posted

        // The sandbox's own origin is fine (its admin page's script).
        using var own = new HttpRequestMessage(HttpMethod.Post, Url("sandbox/api/integrations/1/activate"));
        own.Headers.TryAddWithoutValidation("Origin", Sandbox.BaseUrl.GetLeftPart(UriPartial.Authority));
        own.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(own)).StatusCode);
    }

    [Theory]
    [InlineData("sandbox/api/integrations")]
    [InlineData("admin")]
    [InlineData("oauth/token/request")]
    [InlineData("rest/V1/store/storeConfigs")]
    public async Task A_request_for_a_foreign_host_name_is_refused(string path)
    {
        foreach (string host in new[] { "evil.example", $"rebind.evil.example:{Sandbox.BaseUrl.Port}", $"127.0.0.1:{Sandbox.BaseUrl.Port + 1}" })
        {
            using var request = new HttpRequestMessage(path.StartsWith("oauth", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get, Url(path));
            request.Headers.Host = host;
            using HttpResponseMessage response = await Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
            Assert.Contains("localhost, an IP address", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        foreach (string host in new[] { $"127.0.0.1:{Sandbox.BaseUrl.Port}", $"localhost:{Sandbox.BaseUrl.Port}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Url("sandbox/api/integrations"));
            request.Headers.Host = host;
            Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(request)).StatusCode);
        }
    }

    [Fact]
    public async Task An_admin_form_post_without_the_pages_token_is_refused()
    {
        await CreateIntegrationAsync();
        foreach (string path in new[] { "admin/integrations", "admin/integrations/1/activate", "admin/integrations/1/delete" })
        {
            using HttpResponseMessage response = await Http.PostAsync(Url(path), new FormUrlEncodedContent([new("name", "evil"), new("endpoint", "http://evil.example/cb")]));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("antiforgery token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(1, await CountAsync());
        Assert.Equal("inactive", (string)(await GetIntegrationAsync(1))["status"]!);
        Assert.Equal(0, Receiver.Unread); // no credentials were posted

        using HttpResponseMessage withToken = await AdminPostAsync("admin/integrations/1/activate");
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        Assert.Contains("posted to its Callback URL", await withToken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("identity_link_url", "javascript:alert(document.cookie)", "Invalid Identity Link URL")]
    [InlineData("identity_link_url", "data:text/html,<script>alert(1)</script>", "Invalid Identity Link URL")]
    [InlineData("endpoint", "file:///etc/passwd", "Invalid Callback URL")]
    public async Task The_admin_form_refuses_urls_that_are_not_http_as_the_api_does(string field, string value, string message)
    {
        var fields = new Dictionary<string, string> { ["name"] = "app", ["endpoint"] = "http://127.0.0.1:9/cb", ["identity_link_url"] = "http://127.0.0.1:9/id" };
        fields[field] = value;
        using HttpResponseMessage response = await AdminPostAsync("admin/integrations", fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync());
    }
}
