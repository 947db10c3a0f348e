using MagentoOAuth.Exchange;
using MagentoOAuth.Signing;

namespace MagentoOAuth.Sandbox.Tests;

/// <summary>Every refusal of Magento's token endpoints, with Magento's status and exact message, over real HTTP.</summary>
public sealed class TokenEndpointTests : SandboxTestBase
{
    private const string AllMissing =
        "\"oauth_consumer_key\" is required. Enter and try again, \"oauth_signature\" is required. Enter and try again, " +
        "\"oauth_signature_method\" is required. Enter and try again, \"oauth_nonce\" is required. Enter and try again, " +
        "\"oauth_timestamp\" is required. Enter and try again";

    [Fact]
    public async Task Activation_posts_exactly_the_four_fields_and_the_exchange_activates_the_integration()
    {
        var integration = await CreateIntegrationAsync();
        var activation = await ActivateAsync((int)integration["id"]!);
        var posted = await Receiver.NextPostAsync();

        Assert.Equal(["oauth_consumer_key", "oauth_consumer_secret", "store_base_url", "oauth_verifier"], posted.Keys.ToArray());
        Assert.Equal(Sandbox.BaseUrl.AbsoluteUri, posted["store_base_url"]);
        Assert.Matches("^[0-9a-z]{32}$", posted["oauth_verifier"]);
        Assert.Equal(200, (int)activation["callbackStatus"]!);
        Assert.StartsWith(Receiver.IdentityLinkUrl + "?oauth_consumer_key=" + posted["oauth_consumer_key"] + "&success_call_back=", (string)activation["identityLinkUrl"]!, StringComparison.Ordinal);
        Assert.Equal("inactive", (string)(await GetIntegrationAsync((int)integration["id"]!))["status"]!);

        var client = new MagentoTokenClient(Http, timeProvider: Time);
        OAuthCredentials access = await client.ExchangeAsync(new Uri(posted["store_base_url"]), posted["oauth_consumer_key"], posted["oauth_consumer_secret"], posted["oauth_verifier"]);

        var after = await GetIntegrationAsync((int)integration["id"]!);
        Assert.Equal("active", (string)after["status"]!);
        Assert.Equal(access.Token, (string)after["accessToken"]!);
        Assert.Equal(access.TokenSecret, (string)after["accessTokenSecret"]!);
    }

    [Fact]
    public async Task Request_token_answer_is_a_form_body_served_as_text_html_without_callback_confirmed()
    {
        var posted = await ActivatedAsync();

        var (status, body, contentType) = await PostTokenAsync("request", Header("request", Consumer(posted)));

        Assert.Equal(200, status);
        Assert.Matches("^oauth_token=[0-9a-z]{32}&oauth_token_secret=[0-9a-z]{32}$", body);
        Assert.Equal("text/html; charset=UTF-8", contentType);
    }

    [Fact]
    public async Task Without_the_authorization_header_every_parameter_is_missing()
    {
        var (status, body, _) = await PostTokenAsync("request", null);
        Assert.Equal(400, status);
        Assert.Equal(AllMissing, Problem(body));
    }

    [Fact]
    public async Task Oauth_parameters_in_the_query_are_not_read()
    {
        var posted = await ActivatedAsync();
        string header = Header("request", Consumer(posted));
        string query = header["OAuth ".Length..].Replace("\"", string.Empty, StringComparison.Ordinal).Replace(", ", "&", StringComparison.Ordinal);

        var (status, body, _) = await PostTokenAsync("request", null, query);

        Assert.Equal(400, status);
        Assert.Equal(AllMissing, Problem(body));
    }

    [Fact]
    public async Task One_missing_parameter_gives_its_own_message_with_the_period()
    {
        var posted = await ActivatedAsync();
        string header = string.Join(", ", Header("request", Consumer(posted)).Split(", ").Where(p => !p.StartsWith("oauth_nonce=", StringComparison.Ordinal)));

        var (status, body, _) = await PostTokenAsync("request", header);

        Assert.Equal(400, status);
        Assert.Equal("\"oauth_nonce\" is required. Enter and try again.", Problem(body));
    }

    [Fact]
    public async Task Unsupported_version_is_refused_with_400()
    {
        var posted = await ActivatedAsync();
        string header = Header("request", Consumer(posted)).Replace("oauth_version=\"1.0\"", "oauth_version=\"2.0\"", StringComparison.Ordinal);

        var (status, body, _) = await PostTokenAsync("request", header);

        Assert.Equal(400, status);
        Assert.Equal("The \"2.0\" Oauth version isn't supported.", Problem(body));
    }

    [Fact]
    public async Task Hmac_sha1_is_refused_by_2_4_4_and_later()
    {
        var posted = await ActivatedAsync();
        var (status, body, _) = await PostTokenAsync("request", Header("request", Consumer(posted), method: OAuthSignatureMethod.HmacSha1));
        Assert.Equal(400, status);
        Assert.Equal("Signature method HMAC-SHA1 is not supported", Problem(body));
    }

    [Fact]
    public async Task Consumer_key_of_the_wrong_length_or_unknown_is_refused_with_401()
    {
        var (status, body, _) = await PostTokenAsync("request", Header("request", new OAuthCredentials("short", "secret")));
        Assert.Equal((401, "Consumer key is not the correct length"), (status, Problem(body)));

        (status, body, _) = await PostTokenAsync("request", Header("request", new OAuthCredentials(new string('a', 32), "secret")));
        Assert.Equal((401, "A consumer having the specified key does not exist"), (status, Problem(body)));
    }

    [Fact]
    public async Task Timestamps_more_than_600_s_ahead_are_refused_and_old_ones_are_not()
    {
        var posted = await ActivatedAsync();
        long now = Time.GetUtcNow().ToUnixTimeSeconds();

        var (status, body, _) = await PostTokenAsync("request", Header("request", Consumer(posted), timestamp: now + 601));
        Assert.Equal((401, "An error occurred validating the nonce"), (status, Problem(body)));

        (status, _, _) = await PostTokenAsync("request", Header("request", Consumer(posted), timestamp: 1_000_000_000));
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task A_nonce_is_used_up_even_by_a_request_with_a_bad_signature()
    {
        var posted = await ActivatedAsync();
        var wrong = new OAuthCredentials(posted["oauth_consumer_key"], new string('x', 32));

        var (status, body, _) = await PostTokenAsync("request", Header("request", wrong, nonce: "n0nce"));
        Assert.Equal((401, "The signature is invalid. Verify and try again."), (status, Problem(body)));

        (status, body, _) = await PostTokenAsync("request", Header("request", Consumer(posted), nonce: "n0nce"));
        Assert.Equal((401, "The nonce is already being used by the consumer with ID 1"), (status, Problem(body)));
    }

    [Fact]
    public async Task Request_token_after_the_consumer_expiry_is_refused_but_the_access_step_has_no_limit()
    {
        var posted = await ActivatedAsync();
        Time.Advance(TimeSpan.FromSeconds(301));
        var (status, body, _) = await PostTokenAsync("request", Header("request", Consumer(posted)));
        Assert.Equal((401, "Consumer key has expired"), (status, Problem(body)));

        // A fresh activation, request token in time, access token an hour later.
        var second = await ActivatedAsync();
        var client = new MagentoTokenClient(Http, timeProvider: Time);
        OAuthToken request = await client.GetRequestTokenAsync(Sandbox.BaseUrl, Consumer(second));
        Time.Advance(TimeSpan.FromHours(1));
        OAuthToken access = await client.GetAccessTokenAsync(Sandbox.BaseUrl, Consumer(second).WithToken(request.Token, request.Secret), second["oauth_verifier"]);
        Assert.Matches("^[0-9a-z]{32}$", access.Token);
    }

    [Fact]
    public async Task A_second_request_token_in_one_activation_is_refused()
    {
        var posted = await ActivatedAsync();
        Assert.Equal(200, (await PostTokenAsync("request", Header("request", Consumer(posted)))).Status);

        var (status, body, _) = await PostTokenAsync("request", Header("request", Consumer(posted)));

        Assert.Equal((401, "Cannot create request token because consumer token is not a verifier token"), (status, Problem(body)));
    }

    [Fact]
    public async Task A_consumer_that_was_never_activated_has_no_token()
    {
        var integration = await CreateIntegrationAsync();
        var consumer = new OAuthCredentials((string)integration["consumerKey"]!, (string)integration["consumerSecret"]!);

        var (status, body, _) = await PostTokenAsync("request", Header("request", consumer));

        Assert.Equal((401, "A token with consumer ID 1 does not exist"), (status, Problem(body)));
    }

    [Fact]
    public async Task Access_step_checks_token_and_verifier()
    {
        var posted = await ActivatedAsync();
        var client = new MagentoTokenClient(Http, timeProvider: Time);
        OAuthToken request = await client.GetRequestTokenAsync(Sandbox.BaseUrl, Consumer(posted));
        OAuthCredentials withRequest = Consumer(posted).WithToken(request.Token, request.Secret);

        async Task<(int, string)> Access(OAuthCredentials credentials, string verifier)
        {
            var (status, body, _) = await PostTokenAsync("access", Header("access", credentials, verifier));
            return (status, Problem(body));
        }

        Assert.Equal((401, "Token verifier and verifier token do not match"), await Access(withRequest, new string('v', 32)));
        Assert.Equal((401, "Verifier is not the correct length"), await Access(withRequest, "short"));
        Assert.Equal((401, "Specified token does not exist"), await Access(Consumer(posted).WithToken(new string('t', 32), request.Secret), posted["oauth_verifier"]));
        Assert.Equal((400, "The token length is invalid. Check the length and try again."), await Access(Consumer(posted).WithToken("short", request.Secret), posted["oauth_verifier"]));
        var (missingStatus, missingBody, _) = await PostTokenAsync("access", Header("request", withRequest));
        Assert.Equal((400, "\"oauth_verifier\" is required. Enter and try again."), (missingStatus, Problem(missingBody)));

        OAuthToken access = await client.GetAccessTokenAsync(Sandbox.BaseUrl, withRequest, posted["oauth_verifier"]);
        Assert.NotEqual(request.Token, access.Token);
    }
}
