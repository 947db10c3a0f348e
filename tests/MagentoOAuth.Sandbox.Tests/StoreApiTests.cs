using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MagentoOAuth.Sandbox.Oauth;

namespace MagentoOAuth.Sandbox.Tests;

/// <summary><c>GET|PUT /sandbox/api/store</c>: the store's switches at run time, checked, applied at once and whole.</summary>
public sealed class StoreApiTests : BrokenStoreTestBase
{
    private async Task<JsonObject> StoreAsync() => (await Http.GetFromJsonAsync<JsonObject>(Url("sandbox/api/store")))!;

    private async Task<(HttpStatusCode Status, JsonObject Body)> PutAsync(string json, string contentType = "application/json")
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using HttpResponseMessage response = await Http.PutAsync(Url("sandbox/api/store"), content);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    [Fact]
    public async Task Get_shows_magentos_defaults()
    {
        Assert.Equal(
            """{"stripAuthorization":false,"basicAuth":null,"redirectTo":null,"exposeVersion":true,"requireIndexPhp":false,"allowBearer":false,"clockOffsetSeconds":0,"signer":"g4"}""",
            (await StoreAsync()).ToJsonString());
    }

    [Fact]
    public async Task Put_changes_the_named_fields_only_and_they_apply_at_once()
    {
        var (status, body) = await PutAsync("""{"stripAuthorization":true,"basicAuth":"u:p","exposeVersion":false,"signer":"G2","clockOffsetSeconds":-90}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            """{"stripAuthorization":true,"basicAuth":"u:p","redirectTo":null,"exposeVersion":false,"requireIndexPhp":false,"allowBearer":false,"clockOffsetSeconds":-90,"signer":"g2"}""",
            body.ToJsonString());
        Assert.Equal(body.ToJsonString(), (await StoreAsync()).ToJsonString());
        Assert.Equal((SignerGeneration.G2, TimeSpan.FromSeconds(-90), "u:p"), (Live.Signer, Live.ClockOffset, Live.BasicAuth));

        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.GetAsync(Url("magento_version"))).StatusCode);
        using HttpResponseMessage hidden = await SendAsync(HttpMethod.Get, "magento_version", BasicHeader("u:p"));
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);

        (status, body) = await PutAsync("""{"basicAuth":null,"exposeVersion":true,"redirectTo":"HTTP://LocalHost:8080/shop/","requireIndexPhp":true,"allowBearer":true}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("http://localhost:8080/shop/", (string)body["redirectTo"]!);
        Assert.True((bool)body["stripAuthorization"]!);
        Assert.True(Live.AllowBearer && Live.RequireIndexPhp && Live.BasicAuth is null);
    }

    [Theory]
    [InlineData("""{"basicAuth":"nocolon"}""", "basicAuth")]
    [InlineData("""{"basicAuth":":password"}""", "basicAuth")]
    [InlineData("""{"basicAuth":5}""", "basicAuth")]
    [InlineData("""{"redirectTo":"ftp://localhost/"}""", "redirectTo")]
    [InlineData("""{"redirectTo":"https://localhost"}""", "redirectTo")]
    [InlineData("""{"redirectTo":"https://localhost/?a=b"}""", "redirectTo")]
    [InlineData("""{"redirectTo":"/relative/"}""", "redirectTo")]
    [InlineData("""{"signer":"g9"}""", "signer")]
    [InlineData("""{"signer":null}""", "signer")]
    [InlineData("""{"clockOffsetSeconds":"60"}""", "clockOffsetSeconds")]
    [InlineData("""{"clockOffsetSeconds":1e12}""", "clockOffsetSeconds")]
    [InlineData("""{"stripAuthorization":"yes"}""", "stripAuthorization")]
    [InlineData("""{"exposeVersion":null}""", "exposeVersion")]
    [InlineData("""{"stripauthorization":true}""", "Unknown field")]
    [InlineData("""[true]""", "JSON object")]
    [InlineData("""{"allowBearer":tru""", "not JSON")]
    [InlineData("", "not JSON")]
    public async Task Bad_input_is_400_with_a_message_and_changes_nothing(string json, string mentioned)
    {
        string before = (await StoreAsync()).ToJsonString();
        // A good field before the bad one is not applied either: all or nothing.
        string withGood = json.StartsWith('{') && json.Length > 2 ? """{"allowBearer":true,""" + json[1..] : json;
        var (status, body) = await PutAsync(withGood);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(mentioned, (string)body["error"]!, StringComparison.Ordinal);
        Assert.Equal(before, (await StoreAsync()).ToJsonString());
    }

    [Fact]
    public async Task The_browser_guard_rules_apply()
    {
        var (status, _) = await PutAsync("""{"stripAuthorization":true}""", "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);

        using var request = new HttpRequestMessage(HttpMethod.Put, Url("sandbox/api/store")) { Content = JsonContent.Create(new { stripAuthorization = true }) };
        request.Headers.TryAddWithoutValidation("Origin", "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await Http.SendAsync(request)).StatusCode);
        Assert.False((bool)(await StoreAsync())["stripAuthorization"]!);
    }

    [Fact]
    public void Options_validate_and_changes_never_get_lost_between_threads()
    {
        var options = new SandboxOptions();
        Assert.Throws<ArgumentException>(() => options.BasicAuth = "nocolon");
        Assert.Throws<ArgumentException>(() => options.BasicAuth = ":p");
        Assert.Throws<ArgumentException>(() => options.RedirectTo = "https://shop.example");
        Assert.Throws<ArgumentOutOfRangeException>(() => options.ClockOffset = TimeSpan.FromDays(365 * 40));
        Assert.Null(options.BasicAuth);

        // Read-modify-write of the snapshot is atomic: concurrent changes of one field and another all land.
        Parallel.For(0, 2000, i =>
        {
            if (i % 2 == 0)
            {
                options.Change(s => s with { ClockOffset = s.ClockOffset + TimeSpan.FromSeconds(1) });
            }
            else
            {
                options.StripAuthorization = !options.StripAuthorization;
                options.Change(s => s with { ClockOffset = s.ClockOffset - TimeSpan.FromSeconds(1) });
                options.Change(s => s with { ClockOffset = s.ClockOffset + TimeSpan.FromSeconds(1) });
            }
        });
        Assert.Equal(TimeSpan.FromSeconds(1000), options.ClockOffset);
    }
}

/// <summary>A store whose clock is off sends a Date header that is off, on every answer.</summary>
public sealed class ClockDateTests : BrokenStoreTestBase
{
    protected override SandboxOptions Options => new() { ClockOffset = TimeSpan.FromHours(-1) };

    private void AssertStoreDate(HttpResponseMessage response, TimeSpan offset)
    {
        Assert.NotNull(response.Headers.Date);
        Assert.Single(response.Headers.GetValues("Date"));
        DateTimeOffset expected = Time.GetUtcNow() + offset;
        Assert.InRange(response.Headers.Date!.Value, expected.AddSeconds(-1.5), expected.AddSeconds(1.5));
    }

    [Fact]
    public async Task Every_answer_carries_the_shifted_clock()
    {
        var answers = new List<HttpResponseMessage>
        {
            await Http.GetAsync(Url("")),                                  // 200 html
            await Http.GetAsync(Url("rest/V1/store/storeConfigs")),        // 401 json
            await Http.PostAsync(Url("oauth/token/request"), null),        // 400 form
            await Http.GetAsync(Url("no/such/page")),                      // 404, nothing written
            await Http.GetAsync(Url("sandbox/api/integrations/9")),        // the API's 404
            await SendAsync(HttpMethod.Get, "admin", host: "evil.example"), // BrowserGuard's 421
        };
        using var tooLarge = new ByteArrayContent(new byte[2 * 1024 * 1024]);
        tooLarge.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        answers.Add(await Http.PostAsync(Url("oauth/token/request"), tooLarge)); // Kestrel's own 413

        Assert.Equal([200, 401, 400, 404, 404, 421, 413], answers.Select(a => (int)a.StatusCode));
        foreach (HttpResponseMessage answer in answers)
        {
            AssertStoreDate(answer, TimeSpan.FromHours(-1));
            answer.Dispose();
        }
    }

    [Fact]
    public async Task A_change_at_run_time_shows_in_the_next_answer_and_in_the_timestamp_check()
    {
        using HttpResponseMessage put = await Http.PutAsJsonAsync(Url("sandbox/api/store"), new { clockOffsetSeconds = 7200 });
        AssertStoreDate(put, TimeSpan.FromHours(2));
        using HttpResponseMessage next = await Http.GetAsync(Url("magento_version"));
        AssertStoreDate(next, TimeSpan.FromHours(2));

        // The timestamp check reads the same clock: 601 s ahead of the client is fine now that the store is 2 h ahead.
        Dictionary<string, string> posted = await ActivatedAsync();
        long ahead = Time.GetUtcNow().ToUnixTimeSeconds() + 3600;
        var (status, body, _) = await PostTokenAsync("request", Header("request", Consumer(posted), timestamp: ahead));
        Assert.Equal(200, status);
        Assert.StartsWith("oauth_token=", body, StringComparison.Ordinal);
    }
}
