using MagentoOAuth.Diagnostics;
using MagentoOAuth.Signing;
using MagentoOAuth.Tests.Interop;

namespace MagentoOAuth.Tests.Diagnostics;

/// <summary>
/// Each known client mistake, made by an implementation we did not write (oauthlib or PHP's pecl OAuth) given the
/// mistaken input, then sent as the correct request: the verifier must name that mistake. Correctly signed requests
/// from both clients must verify.
/// </summary>
public sealed class VerifyMistakeTests
{
    private const string Key = "ck0123456789abcdefghijklmnopqrst";
    private const string Secret = "cs0123456789abcdefghijklmnopqrst";
    private const string Token = "tk0123456789abcdefghijklmnopqrst";
    private const string TokenSecret = "ts0123456789abcdefghijklmnopqrst";
    private const string Shop = "https://shop.example.com";

    public enum Client
    {
        OAuthlib,
        Pecl,
    }

    /// <summary>mistake id, client, what the client was given to sign, what was sent (method, URL, body, content type, Host).</summary>
    public static TheoryData<string, Client, SignInput, Sent> Mistakes() => new()
    {
        { "brackets-encoded-twice", Client.OAuthlib, In("GET", Shop + "/rest/V1/products?searchCriteria%255BpageSize%255D=5"), new("GET", Shop + "/rest/V1/products?searchCriteria%5BpageSize%5D=5") },
        { "query-left-out", Client.Pecl, In("GET", Shop + "/rest/V1/orders"), new("GET", Shop + "/rest/V1/orders?searchCriteria%5BpageSize%5D=10") },
        { "json-body-signed", Client.OAuthlib, In("POST", Shop + "/rest/V1/products") with { Body = "sku=abc&qty=5", ContentType = "application/x-www-form-urlencoded" },
            new("POST", Shop + "/rest/V1/products", "{\"sku\":\"abc\",\"qty\":5}", "application/json") },
        { "form-body-left-out", Client.Pecl, In("POST", Shop + "/rest/V1/guest-carts"), new("POST", Shop + "/rest/V1/guest-carts", "name=a%20b&qty=1", "application/x-www-form-urlencoded") },
        { "plus-as-space", Client.OAuthlib, In("GET", Shop + "/rest/V1/products?q=red%20shirt"), new("GET", Shop + "/rest/V1/products?q=red+shirt") },
        { "names-sorted-decoded", Client.OAuthlib, In("GET", Shop + "/rest/V1/products?a0=1&a%5Bb%5D=2") with { SortDecoded = true }, new("GET", Shop + "/rest/V1/products?a0=1&a%5Bb%5D=2") },
        { "default-port-kept", Client.OAuthlib, In("GET", Shop + "/rest/V1/orders") with { BaseUri = "https://shop.example.com:443/rest/V1/orders" }, new("GET", Shop + "/rest/V1/orders") },
        { "default-port-dropped", Client.OAuthlib, In("GET", Shop + "/rest/V1/orders"), new("GET", Shop + "/rest/V1/orders", Host: "shop.example.com:443") },
        { "host-case", Client.Pecl, In("GET", "https://Shop.Example.com/rest/V1/orders"), new("GET", "https://Shop.Example.com/rest/V1/orders") },
        { "http-for-https", Client.Pecl, In("GET", "http://shop.example.com/rest/V1/orders"), new("GET", Shop + "/rest/V1/orders") },
        { "token-secret-missing", Client.OAuthlib, In("GET", Shop + "/rest/V1/orders") with { TokenSecret = null }, new("GET", Shop + "/rest/V1/orders") },
        { "hmac-sha1", Client.Pecl, In("GET", Shop + "/rest/V1/orders") with { SignatureMethod = "HMAC-SHA1" }, new("GET", Shop + "/rest/V1/orders") },
        { "index-php", Client.OAuthlib, In("GET", Shop + "/index.php/rest/V1/orders"), new("GET", Shop + "/rest/V1/orders") },
        { "index-php", Client.Pecl, In("GET", Shop + "/rest/V1/store/storeConfigs"), new("GET", Shop + "/index.php/rest/V1/store/storeConfigs") },
        { "path-escapes-decoded", Client.OAuthlib, In("GET", Shop + "/rest/V1/products/ABC/10"), new("GET", Shop + "/rest/V1/products/ABC%2F10") },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Names_the_mistake_an_independent_client_made(string mistake, Client client, SignInput given, Sent sent)
    {
        string header = Sign(client, given);
        SignatureVerification result = SignatureVerifier.Verify(sent.Capture(header), Secret, TokenSecret);

        Assert.Contains(result.Mistakes, m => m.Id == mistake);
        Assert.Equal([mistake], result.Mistakes.Select(m => m.Id));
        if (mistake != "hmac-sha1")
        {
            Assert.False(result.Verified, $"{mistake}: a mistaken signature verified");
        }
        else
        {
            // Right for 2.4.0–2.4.3 (G1), refused by every later store.
            Assert.False(SignatureVerifier.Verify(sent.Capture(header), Secret, TokenSecret, SignatureProfile.MagentoG4).Verified);
        }
    }

    public static TheoryData<Client, SignInput, Sent> Correct() => new()
    {
        { Client.OAuthlib, In("GET", Shop + "/rest/V1/products?searchCriteria%5BpageSize%5D=5&searchCriteria%5BcurrentPage%5D=2"),
            new("GET", Shop + "/rest/V1/products?searchCriteria%5BpageSize%5D=5&searchCriteria%5BcurrentPage%5D=2") },
        { Client.OAuthlib, In("POST", Shop + "/rest/V1/guest-carts") with { Body = "name=a%20b&qty=1", ContentType = "application/x-www-form-urlencoded" },
            new("POST", Shop + "/rest/V1/guest-carts", "name=a%20b&qty=1", "application/x-www-form-urlencoded") },
        { Client.OAuthlib, In("PUT", Shop + "/rest/default/V1/products/abc"), new("PUT", Shop + "/rest/default/V1/products/abc", "{\"product\":{\"price\":5}}", "application/json") },
        { Client.Pecl, In("GET", Shop + "/rest/V1/products?searchCriteria%5BpageSize%5D=5"), new("GET", Shop + "/rest/V1/products?searchCriteria%5BpageSize%5D=5") },
        { Client.Pecl, In("POST", Shop + "/oauth/token/request") with { Token = null, TokenSecret = null }, new("POST", Shop + "/oauth/token/request") },
    };

    [Theory]
    [MemberData(nameof(Correct))]
    public void Correct_signatures_from_independent_clients_verify(Client client, SignInput given, Sent sent)
    {
        string header = Sign(client, given);
        SignatureVerification result = SignatureVerifier.Verify(sent.Capture(header), Secret, given.Token is null ? null : TokenSecret);

        Assert.True(result.Verified, string.Join("; ", result.Verdicts.Select(v => $"{v.Name}={v.SignatureValid}")) + " " + string.Join("; ", result.Problems));
        Assert.Empty(result.Mistakes);
        Assert.All(result.Verdicts, v => Assert.True(v.SignatureValid, v.Name));
    }

    [Fact]
    public void A_path_that_dotnet_normalises_is_noted()
    {
        string header = Sign(Client.OAuthlib, In("GET", Shop + "/rest/V1/products/A~b"));
        SignatureVerification result = SignatureVerifier.Verify(new Sent("GET", Shop + "/rest/V1/products/%41%7eb").Capture(header), Secret, TokenSecret);

        Assert.Contains(result.Notes, n => n.Contains("'/rest/V1/products/%41%7eb'", StringComparison.Ordinal) && n.Contains("G4 signs the path exactly as sent", StringComparison.Ordinal));
        Assert.Empty(SignatureVerifier.Verify(new Sent("GET", Shop + "/rest/V1/products/A~b").Capture(header), Secret, TokenSecret).Notes);
    }

    [Fact]
    public void A_wrong_secret_matches_no_mistake()
    {
        string header = Sign(Client.OAuthlib, In("GET", Shop + "/rest/V1/orders") with { TokenSecret = "wrong0123456789abcdefghijklmnopq" });
        SignatureVerification result = SignatureVerifier.Verify(new Sent("GET", Shop + "/rest/V1/orders").Capture(header), Secret, TokenSecret);

        Assert.False(result.Verified);
        Assert.Empty(result.Mistakes);
    }

    [Fact]
    public void A_request_without_an_OAuth_header_is_a_problem_not_a_crash()
    {
        var request = new CapturedRequest("GET", Shop + "/rest/V1/orders?oauth_consumer_key=" + Key + "&oauth_signature=x");
        SignatureVerification result = SignatureVerifier.Verify(request, Secret);

        Assert.False(result.Verified);
        Assert.Contains(result.Problems, p => p.Contains("Authorization", StringComparison.Ordinal));
    }

    private static SignInput In(string method, string url) => new(method, url, Key, Secret, Token, TokenSecret);

    private static string Sign(Client client, SignInput input) =>
        (client == Client.OAuthlib ? ForeignSigners.OAuthlib(input) : ForeignSigners.Pecl(input))[0];

    /// <summary>What went on the wire.</summary>
    public sealed record Sent(string Method, string Url, string? Body = null, string? ContentType = null, string? Host = null)
    {
        public CapturedRequest Capture(string authorization)
        {
            var headers = new List<KeyValuePair<string, string>> { new("Authorization", authorization) };
            if (ContentType is not null)
            {
                headers.Add(new("Content-Type", ContentType));
            }

            if (Host is not null)
            {
                headers.Add(new("Host", Host));
            }

            return new CapturedRequest(Method, Url, headers, Body);
        }
    }
}
