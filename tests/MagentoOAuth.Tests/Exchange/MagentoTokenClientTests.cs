using System.Net;
using MagentoOAuth.Errors;
using MagentoOAuth.Exchange;
using MagentoOAuth.Signing;
using MagentoOAuth.Tests.Interop;
using MagentoOAuth.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace MagentoOAuth.Tests.Exchange;

public sealed class MagentoTokenClientTests
{
    private const string ConsumerKey = "ck0123456789abcdefghijklmnopqrst";
    private const string ConsumerSecret = "cs0123456789abcdefghijklmnopqrst";
    private const string Verifier = "vf0123456789abcdefghijklmnopqrst";
    private const string RequestTokenBody = "oauth_token=rt0123456789abcdefghijklmnopqrst&oauth_token_secret=rs0123456789abcdefghijklmnopqrst";
    private const string AccessTokenBody = "oauth_token=at0123456789abcdefghijklmnopqrst&oauth_token_secret=as0123456789abcdefghijklmnopqrst";

    [Fact]
    public async Task Exchange_posts_request_then_access_with_verifier_and_returns_access_credentials()
    {
        var stub = new StubHttpHandler()
            .On("POST", "https://shop.example.com/oauth/token/request", HttpStatusCode.OK, RequestTokenBody)
            .On("POST", "https://shop.example.com/oauth/token/access", HttpStatusCode.OK, AccessTokenBody);
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var client = new MagentoTokenClient(new HttpClient(stub), timeProvider: time);

        OAuthCredentials access = await client.ExchangeAsync(new Uri("https://shop.example.com/"), ConsumerKey, ConsumerSecret, Verifier);

        Assert.Equal("at0123456789abcdefghijklmnopqrst", access.Token);
        Assert.Equal("as0123456789abcdefghijklmnopqrst", access.TokenSecret);
        Assert.Equal(2, stub.Received.Count);
        string requestHeader = stub.Received[0].Authorization!;
        string accessHeader = stub.Received[1].Authorization!;
        Assert.Contains("oauth_timestamp=\"1700000000\"", requestHeader, StringComparison.Ordinal);
        Assert.DoesNotContain("oauth_token=", requestHeader, StringComparison.Ordinal);
        Assert.Contains("oauth_token=\"rt0123456789abcdefghijklmnopqrst\"", accessHeader, StringComparison.Ordinal);
        Assert.Contains($"oauth_verifier=\"{Verifier}\"", accessHeader, StringComparison.Ordinal);

        // An implementation we did not write agrees with both signatures (the second uses the request-token secret).
        OAuthlibVerifier.AssertAllVerify(
            new SignedRequest("POST", "https://shop.example.com/oauth/token/request", requestHeader, ConsumerSecret, null),
            new SignedRequest("POST", "https://shop.example.com/oauth/token/access", accessHeader, ConsumerSecret, "rs0123456789abcdefghijklmnopqrst"));
    }

    [Fact]
    public async Task Index_php_base_url_keeps_index_php_in_token_urls()
    {
        var stub = new StubHttpHandler()
            .On("POST", "http://shop.example.com/index.php/oauth/token/request", HttpStatusCode.OK, RequestTokenBody);
        var client = new MagentoTokenClient(new HttpClient(stub));

        OAuthToken token = await client.GetRequestTokenAsync(new Uri("http://shop.example.com/index.php"), new OAuthCredentials(ConsumerKey, ConsumerSecret));

        Assert.Equal("rt0123456789abcdefghijklmnopqrst", token.Token);
        Assert.DoesNotContain("rs0123", token.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_consumer_becomes_a_typed_exception()
    {
        var stub = new StubHttpHandler()
            .On("POST", "https://shop.example.com/oauth/token/request", HttpStatusCode.Unauthorized, "oauth_problem=Consumer+key+has+expired");
        var client = new MagentoTokenClient(new HttpClient(stub));

        var error = await Assert.ThrowsAsync<MagentoOAuthException>(() =>
            client.ExchangeAsync(new Uri("https://shop.example.com/"), ConsumerKey, ConsumerSecret, Verifier));

        Assert.Equal(MagentoProblem.ConsumerKeyExpired, error.Problem);
        Assert.Equal(401, error.Status);
        Assert.Equal("POST https://shop.example.com/oauth/token/request", error.Request);
        Assert.DoesNotContain(ConsumerSecret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_storefront_page_instead_of_a_token_says_the_base_url_is_wrong()
    {
        var stub = new StubHttpHandler()
            .On("POST", "https://shop.example.com/oauth/token/request", HttpStatusCode.OK, "<html><body>Welcome</body></html>");
        var client = new MagentoTokenClient(new HttpClient(stub));

        var error = await Assert.ThrowsAsync<MagentoOAuthException>(() =>
            client.GetRequestTokenAsync(new Uri("https://shop.example.com/"), new OAuthCredentials(ConsumerKey, ConsumerSecret)));

        Assert.Equal(MagentoProblem.UnexpectedResponse, error.Problem);
    }

    [Fact]
    public async Task A_redirect_is_reported_not_followed()
    {
        var stub = new StubHttpHandler().On("POST", "http://shop.example.com/oauth/token/request", _ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.MovedPermanently);
            response.Headers.Location = new Uri("https://shop.example.com/oauth/token/request");
            return response;
        });
        var client = new MagentoTokenClient(new HttpClient(stub));

        var error = await Assert.ThrowsAsync<MagentoOAuthException>(() =>
            client.GetRequestTokenAsync(new Uri("http://shop.example.com/"), new OAuthCredentials(ConsumerKey, ConsumerSecret)));

        Assert.Equal(MagentoProblem.UnexpectedResponse, error.Problem);
        Assert.Contains("redirect", error.Cause, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://shop.example.com/")]
    [InlineData("https://shop.example.com/?a=1")]
    [InlineData("https://user:pw@shop.example.com/")]
    public void Bad_store_base_urls_are_refused_before_any_request(string url)
    {
        Assert.Throws<ArgumentException>(() => MagentoEndpoints.RequestToken(new Uri(url)));
    }

    [Fact]
    public void Token_bodies_parse_with_or_without_extra_fields()
    {
        Assert.Equal(new OAuthToken("a", "b"), MagentoTokenClient.ParseToken("oauth_token=a&oauth_token_secret=b\n"));
        Assert.Equal(new OAuthToken("a", "b"), MagentoTokenClient.ParseToken("oauth_token_secret=b&oauth_callback_confirmed=true&oauth_token=a"));
        Assert.Null(MagentoTokenClient.ParseToken("oauth_token=a"));
    }
}
