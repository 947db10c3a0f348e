using MagentoOAuth.Signing;

namespace MagentoOAuth.Tests.Signing;

/// <summary>Vectors published by others: our signer must reproduce them exactly, whatever our sandbox thinks.</summary>
public sealed class PublishedVectorTests
{
    [Fact]
    public void Rfc5849_section_3_4_1_1_base_string_is_reproduced_exactly()
    {
        // RFC 5849 §3.4.1.1: query with an encoded '=' and '%', a form body "c2&a3=2+q", a space as %20 and '+'.
        var request = new OAuthRequest("POST", new Uri("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b"))
        {
            FormBody = "c2&a3=2+q",
            Nonce = "7d8f3e4a",
            Timestamp = 137131201,
            OmitVersion = true,
            SignatureMethod = OAuthSignatureMethod.HmacSha1,
        };
        var credentials = new OAuthCredentials("9djdj82h48djs9d2", "unused-secret", "kkk9d7dh3k39sjv7", "unused-secret");

        OAuthSignatureDetails details = OAuthSigner.Default.Explain(request, credentials);

        Assert.Equal(
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7",
            details.BaseString);
    }

    [Fact]
    public void OAuth_core_appendix_A_photos_signature_is_reproduced()
    {
        // OAuth Core 1.0 Appendix A.5: the "vacation.jpg" request, HMAC-SHA1.
        var request = new OAuthRequest("GET", new Uri("http://photos.example.net/photos?file=vacation.jpg&size=original"))
        {
            Nonce = "kllo9940pd9333jh",
            Timestamp = 1191242096,
            SignatureMethod = OAuthSignatureMethod.HmacSha1,
        };
        var credentials = new OAuthCredentials("dpf43f3p2l4k3l03", "kd94hf93k423kf44", "nnch734d00sl2jdk", "pfkkdhi9sl3r4s00");

        OAuthSignatureDetails details = OAuthSigner.Default.Explain(request, credentials);

        Assert.Equal(
            "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal",
            details.BaseString);
        Assert.Equal("tR3+Ty81lMeYAr/Fid0kMTYa/WM=", details.Signature);
    }

    [Fact]
    public void Twitter_documentation_worked_example_is_reproduced()
    {
        // Twitter's "Creating a signature" example: a form body with '+', ',' and '!' percent-encoded.
        var request = new OAuthRequest("POST", new Uri("https://api.twitter.com/1.1/statuses/update.json?include_entities=true"))
        {
            FormBody = "status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21",
            Nonce = "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
            Timestamp = 1318622958,
            SignatureMethod = OAuthSignatureMethod.HmacSha1,
        };
        var credentials = new OAuthCredentials(
            "xvz1evFS4wEEPTGEFPHBog",
            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
            "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE");

        Assert.Equal("hCtSmYh+iHYCEqBWrE7C7hYmtUk=", OAuthSigner.Default.Explain(request, credentials).Signature);
    }

    [Fact]
    public void Magento_protocol_doc_vector_gives_the_published_HMAC_SHA256_signature()
    {
        var request = new OAuthRequest("POST", new Uri("https://shop.example.com/oauth/token/request"))
        {
            Nonce = "n0nce123",
            Timestamp = 1700000000,
        };
        var credentials = new OAuthCredentials("ck0123456789abcdefghijklmnopqrst", "cs0123456789abcdefghijklmnopqrst");

        OAuthSignatureDetails details = OAuthSigner.Default.Explain(request, credentials);

        Assert.Equal(
            "POST&https%3A%2F%2Fshop.example.com%2Foauth%2Ftoken%2Frequest&oauth_consumer_key%3Dck0123456789abcdefghijklmnopqrst%26oauth_nonce%3Dn0nce123%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000%26oauth_version%3D1.0",
            details.BaseString);
        Assert.Equal("1wcLnwcMcj+lZWuYtYHjRPjceBbW2x8SR9+5wmtlI0o=", details.Signature);
        Assert.Equal(
            "OAuth oauth_consumer_key=\"ck0123456789abcdefghijklmnopqrst\", oauth_nonce=\"n0nce123\", oauth_signature=\"1wcLnwcMcj%2BlZWuYtYHjRPjceBbW2x8SR9%2B5wmtlI0o%3D\", oauth_signature_method=\"HMAC-SHA256\", oauth_timestamp=\"1700000000\", oauth_version=\"1.0\"",
            details.AuthorizationHeader);
    }

    [Fact]
    public void The_vector_holds_for_every_Magento_generation()
    {
        var request = new OAuthRequest("POST", new Uri("https://shop.example.com/oauth/token/request")) { Nonce = "n0nce123", Timestamp = 1700000000 };
        var credentials = new OAuthCredentials("ck0123456789abcdefghijklmnopqrst", "cs0123456789abcdefghijklmnopqrst");
        foreach (SignatureProfile profile in Enum.GetValues<SignatureProfile>())
        {
            Assert.Equal("1wcLnwcMcj+lZWuYtYHjRPjceBbW2x8SR9+5wmtlI0o=", OAuthSigner.Default.Explain(request with { Profile = profile }, credentials).Signature);
        }
    }
}
