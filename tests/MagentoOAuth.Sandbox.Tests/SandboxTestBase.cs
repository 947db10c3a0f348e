using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MagentoOAuth.Exchange;
using MagentoOAuth.Http;
using MagentoOAuth.Signing;
using Microsoft.Extensions.Time.Testing;

namespace MagentoOAuth.Sandbox.Tests;

/// <summary>Starts a sandbox and an app callback on loopback for each test, and offers the steps of the flow.</summary>
public abstract class SandboxTestBase : IAsyncLifetime
{
    protected FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected SandboxHost Sandbox { get; private set; } = null!;

    protected CallbackReceiver Receiver { get; private set; } = null!;

    protected HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    protected virtual SandboxOptions Options => new();

    public async Task InitializeAsync()
    {
        Receiver = await CallbackReceiver.StartAsync();
        Sandbox = await SandboxHost.StartAsync(Options, timeProvider: Time);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Sandbox.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    protected Uri Url(string relative) => new(Sandbox.BaseUrl, relative);

    /// <summary>Posts an admin form as a browser that opened the admin does: with the antiforgery token of the page (and its cookie).</summary>
    protected async Task<HttpResponseMessage> AdminPostAsync(string relative, IEnumerable<KeyValuePair<string, string>>? fields = null, HttpClient? client = null)
    {
        client ??= Http;
        string grid = await client.GetStringAsync(Url("admin"));
        System.Text.RegularExpressions.Match token = System.Text.RegularExpressions.Regex.Match(grid, "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]+)\">");
        Assert.True(token.Success, "the admin page carries an antiforgery token");
        var form = new List<KeyValuePair<string, string>>(fields ?? []) { new(token.Groups[1].Value, System.Net.WebUtility.HtmlDecode(token.Groups[2].Value)) };
        return await client.PostAsync(Url(relative), new FormUrlEncodedContent(form));
    }

    protected async Task<JsonObject> CreateIntegrationAsync(bool withUrls = true, string[]? resources = null)
    {
        var body = new JsonObject { ["name"] = "Test app" };
        if (withUrls)
        {
            body["callbackUrl"] = Receiver.CallbackUrl;
            body["identityLinkUrl"] = Receiver.IdentityLinkUrl;
        }

        if (resources is not null)
        {
            body["resources"] = new JsonArray(resources.Select(r => (JsonNode)r).ToArray());
        }

        HttpResponseMessage response = await Http.PostAsJsonAsync(Url("sandbox/api/integrations"), body);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    protected async Task<JsonObject> ActivateAsync(int id, bool reauthorize = false)
    {
        HttpResponseMessage response = await Http.PostAsync(Url($"sandbox/api/integrations/{id}/{(reauthorize ? "reauthorize" : "activate")}"), null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    protected async Task<JsonObject> GetIntegrationAsync(int id) =>
        (await Http.GetFromJsonAsync<JsonObject>(Url($"sandbox/api/integrations/{id}")))!;

    /// <summary>Creates and activates an integration; returns the four fields the callback received.</summary>
    protected async Task<Dictionary<string, string>> ActivatedAsync()
    {
        JsonObject integration = await CreateIntegrationAsync();
        await ActivateAsync((int)integration["id"]!);
        return await Receiver.NextPostAsync();
    }

    /// <summary>The whole exchange with our client: returns access credentials.</summary>
    protected async Task<OAuthCredentials> ExchangedAsync(SignatureProfile profile = SignatureProfile.Rfc5849)
    {
        Dictionary<string, string> posted = await ActivatedAsync();
        var client = new MagentoTokenClient(Http, new MagentoTokenClientOptions { Profile = profile }, Time);
        return await client.ExchangeAsync(new Uri(posted["store_base_url"]), posted["oauth_consumer_key"], posted["oauth_consumer_secret"], posted["oauth_verifier"]);
    }

    /// <summary>An HttpClient that signs with <paramref name="credentials"/> and sends URLs as given (no portable rewrite).</summary>
    protected HttpClient SignedClient(OAuthCredentials credentials, SignatureProfile profile = SignatureProfile.Rfc5849, bool portable = false, MagentoAuthenticationMode mode = MagentoAuthenticationMode.OAuth1) =>
        new(new MagentoOAuthHandler(new MagentoOAuthOptions
        {
            ConsumerKey = credentials.ConsumerKey,
            ConsumerSecret = credentials.ConsumerSecret,
            AccessToken = credentials.Token,
            AccessTokenSecret = credentials.TokenSecret,
            Profile = profile,
            PortableRequests = portable,
            Mode = mode,
        }, Time) { InnerHandler = new SocketsHttpHandler() })
        { BaseAddress = new Uri(Sandbox.BaseUrl, "rest/") };

    /// <summary>Posts to a token endpoint with a hand-made Authorization header.</summary>
    protected async Task<(int Status, string Body, string? ContentType)> PostTokenAsync(string endpoint, string? authorization, string? query = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("oauth/token/" + endpoint + (query is null ? string.Empty : "?" + query)));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using HttpResponseMessage response = await Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }

    /// <summary>The Authorization header our signer makes for a token endpoint.</summary>
    protected string Header(string endpoint, OAuthCredentials credentials, string? verifier = null, long? timestamp = null, string? nonce = null,
        OAuthSignatureMethod method = OAuthSignatureMethod.HmacSha256) =>
        new OAuthSigner(Time).CreateAuthorizationHeader(
            new OAuthRequest("POST", Url("oauth/token/" + endpoint)) { Verifier = verifier, Timestamp = timestamp, Nonce = nonce, SignatureMethod = method },
            credentials);

    protected static OAuthCredentials Consumer(Dictionary<string, string> posted) => new(posted["oauth_consumer_key"], posted["oauth_consumer_secret"]);

    protected static string Problem(string body) => Uri.UnescapeDataString(body["oauth_problem=".Length..].Replace('+', ' '));
}
