using MagentoOAuth.Signing;

namespace MagentoOAuth.Tests.Signing;

/// <summary>Each place where a Magento generation builds its base string differently from RFC 5849.</summary>
public sealed class ProfileTests
{
    private static readonly OAuthCredentials Credentials = new("ck0123456789abcdefghijklmnopqrst", "cs0123456789abcdefghijklmnopqrst", "at0123456789abcdefghijklmnopqrst", "ts0123456789abcdefghijklmnopqrst");

    private static OAuthSignatureDetails Explain(string method, string url, SignatureProfile profile, string? form = null, string? host = null) =>
        OAuthSigner.Default.Explain(new OAuthRequest(method, new Uri(url)) { Profile = profile, FormBody = form, Host = host, Nonce = "n", Timestamp = 1 }, Credentials);

    private static string Params(OAuthSignatureDetails details) =>
        string.Join("&", details.Parameters.Where(p => !p.Key.StartsWith("oauth_", StringComparison.Ordinal)).Select(p => p.Key + "=" + p.Value));

    [Fact]
    public void Filter_indices_2_and_10_sort_bytewise_in_RFC_and_G4_but_naturally_in_G1_to_G3()
    {
        const string url = "https://shop.example.com/rest/V1/products?f%5B10%5D=b&f%5B2%5D=a";
        Assert.Equal("f%5B10%5D=b&f%5B2%5D=a", Params(Explain("GET", url, SignatureProfile.Rfc5849)));
        Assert.Equal("f%5B2%5D=a&f%5B10%5D=b", Params(Explain("GET", url, SignatureProfile.MagentoG2)));
        Assert.Equal("f%5B2%5D=a&f%5B10%5D=b", Params(Explain("GET", url, SignatureProfile.MagentoG3)));
        Assert.Equal("f%5B10%5D=b&f%5B2%5D=a", Params(Explain("GET", url, SignatureProfile.MagentoG4)));
    }

    [Fact]
    public void Indices_1_and_10_sort_by_decoded_name_in_G4_only()
    {
        const string url = "https://shop.example.com/rest/V1/products?f%5B1%5D=a&f%5B10%5D=b";
        Assert.Equal("f%5B1%5D=a&f%5B10%5D=b", Params(Explain("GET", url, SignatureProfile.Rfc5849)));
        Assert.Equal("f%5B1%5D=a&f%5B10%5D=b", Params(Explain("GET", url, SignatureProfile.MagentoG1)));
        Assert.Equal("f%5B10%5D=b&f%5B1%5D=a", Params(Explain("GET", url, SignatureProfile.MagentoG4)));
    }

    [Fact]
    public void Encoded_slash_in_the_path_is_decoded_by_G1_G2_only()
    {
        const string url = "https://shop.example.com/rest/V1/products/ABC%2F10";
        Assert.Equal("https://shop.example.com/rest/V1/products/ABC%2F10", Explain("GET", url, SignatureProfile.Rfc5849).BaseUri);
        Assert.Equal("https://shop.example.com/rest/V1/products/ABC/10", Explain("GET", url, SignatureProfile.MagentoG1).BaseUri);
        Assert.Equal("https://shop.example.com/rest/V1/products/ABC/10", Explain("GET", url, SignatureProfile.MagentoG2).BaseUri);
        Assert.Equal("https://shop.example.com/rest/V1/products/ABC%2F10", Explain("GET", url, SignatureProfile.MagentoG3).BaseUri);
        Assert.Equal("https://shop.example.com/rest/V1/products/ABC%2F10", Explain("GET", url, SignatureProfile.MagentoG4).BaseUri);
    }

    [Fact]
    public void Raw_sub_delimiters_in_the_path_are_escaped_by_laminas_uri_in_G1_to_G3()
    {
        const string url = "https://shop.example.com/rest/V1/products/it's!";
        Assert.Equal("https://shop.example.com/rest/V1/products/it's!", Explain("GET", url, SignatureProfile.Rfc5849).BaseUri);
        Assert.Equal("https://shop.example.com/rest/V1/products/it%27s%21", Explain("GET", url, SignatureProfile.MagentoG1).BaseUri);
        Assert.Equal("https://shop.example.com/rest/V1/products/it%27s%21", Explain("GET", url, SignatureProfile.MagentoG2).BaseUri);
        Assert.Equal("https://shop.example.com/rest/V1/products/it%27s%21", Explain("GET", url, SignatureProfile.MagentoG3).BaseUri);
        Assert.Equal("https://shop.example.com/rest/V1/products/it's!", Explain("GET", url, SignatureProfile.MagentoG4).BaseUri);
    }

    [Theory]
    [InlineData("/rest/V1/products/50%25OFF", "/rest/V1/products/50%25OFF")]
    [InlineData("/rest/V1/products/100%25", "/rest/V1/products/100%25")]
    [InlineData("/rest/V1/products/a%2541", "/rest/V1/products/a%41")]
    [InlineData("/rest/V1/products/a%3ab", "/rest/V1/products/a:b")]
    [InlineData("/rest/V1/products/a%c3%a9", "/rest/V1/products/a%C3%A9")]
    public void G1_G2_decode_then_re_escape_the_path_as_laminas_uri_does(string path, string expected)
    {
        Assert.Equal("https://shop.example.com" + expected, Explain("GET", "https://shop.example.com" + path, SignatureProfile.MagentoG2).BaseUri);
    }

    [Fact]
    public void IPv6_hosts_keep_their_brackets()
    {
        Assert.Equal("https://[::1]:8443/rest/V1/x", Explain("GET", "https://[::1]:8443/rest/V1/x", SignatureProfile.Rfc5849).BaseUri);
        Assert.Equal("https://[::1]:8443/rest/V1/x?a=1", PortableRequest.ToPortableUri(new Uri("https://[::1]:8443/rest/V1/x?a=1")).AbsoluteUri);
    }

    [Fact]
    public void G4_drops_a_plain_name_that_is_also_the_base_of_a_bracketed_one()
    {
        Assert.Equal("a%5Bb%5D=2", Params(Explain("GET", "https://shop.example.com/x?a=1&a%5Bb%5D=2", SignatureProfile.MagentoG4)));
        Assert.Equal("a=1&a%5Bb%5D=2", Params(Explain("GET", "https://shop.example.com/x?a=1&a%5Bb%5D=2", SignatureProfile.MagentoG2)));
    }

    [Fact]
    public void Php_drops_leading_spaces_and_empty_names()
    {
        Assert.Equal("%20a=1&a=1", Params(Explain("GET", "https://shop.example.com/x?%20a=1", SignatureProfile.MagentoG4)));
        Assert.Equal("b=2", Params(Explain("POST", "https://shop.example.com/x", SignatureProfile.MagentoG2, form: "=v&b=2")));
    }

    [Fact]
    public void Raw_plus_in_the_query_is_a_space_in_RFC_and_G4_and_a_plus_in_G1_to_G3()
    {
        const string url = "https://shop.example.com/rest/V1/products?q=a+b";
        Assert.Equal("q=a%20b", Params(Explain("GET", url, SignatureProfile.Rfc5849)));
        Assert.Equal("q=a%2Bb", Params(Explain("GET", url, SignatureProfile.MagentoG1)));
        Assert.Equal("q=a%2Bb", Params(Explain("GET", url, SignatureProfile.MagentoG2)));
        Assert.Equal("q=a%2Bb", Params(Explain("GET", url, SignatureProfile.MagentoG3)));
        Assert.Equal("q=a%20b", Params(Explain("GET", url, SignatureProfile.MagentoG4)));
    }

    [Fact]
    public void Plus_under_a_bracketed_name_stays_a_plus_in_G4()
    {
        const string url = "https://shop.example.com/rest/V1/products?a%5Bb%5D=x+y";
        Assert.Equal("a%5Bb%5D=x%2By", Params(Explain("GET", url, SignatureProfile.MagentoG4)));
        Assert.Equal("a%5Bb%5D=x%20y", Params(Explain("GET", url, SignatureProfile.Rfc5849)));
    }

    [Fact]
    public void Repeated_names_are_all_signed_by_RFC_but_only_the_last_by_Magento()
    {
        const string url = "https://shop.example.com/rest/V1/x?a=1&a=2";
        Assert.Equal("a=1&a=2", Params(Explain("GET", url, SignatureProfile.Rfc5849)));
        foreach (SignatureProfile g in new[] { SignatureProfile.MagentoG1, SignatureProfile.MagentoG3, SignatureProfile.MagentoG4 })
        {
            Assert.Equal("a=2", Params(Explain("GET", url, g)));
        }
    }

    [Fact]
    public void Valueless_and_double_equals_pairs_are_dropped_by_G1_to_G3_and_kept_by_G4()
    {
        const string url = "https://shop.example.com/rest/V1/x?flag&a=b=c&e=";
        Assert.Equal("a=b%3Dc&e=&flag=", Params(Explain("GET", url, SignatureProfile.Rfc5849)));
        Assert.Equal("e=", Params(Explain("GET", url, SignatureProfile.MagentoG2)));
        Assert.Equal("a=b%3Dc&e=&flag=", Params(Explain("GET", url, SignatureProfile.MagentoG4)));
    }

    [Fact]
    public void Oauth_names_in_the_query_are_dropped_by_G1_to_G3()
    {
        const string url = "https://shop.example.com/rest/V1/x?oauth_extra=1&xoauth_id=2&b=3";
        Assert.Equal("b=3", Params(Explain("GET", url, SignatureProfile.MagentoG1)));
        Assert.Equal("b=3", Params(Explain("GET", url, SignatureProfile.MagentoG3)));
        Assert.Contains("xoauth_id=2", Params(Explain("GET", url, SignatureProfile.MagentoG4)), StringComparison.Ordinal);
    }

    [Fact]
    public void G4_signs_the_Host_header_as_sent_and_the_others_normalise_it()
    {
        const string url = "https://shop.example.com/rest/V1/x";
        Assert.Equal("https://Shop.Example.com:443/rest/V1/x", Explain("GET", url, SignatureProfile.MagentoG4, host: "Shop.Example.com:443").BaseUri);
        Assert.Equal("https://shop.example.com/rest/V1/x", Explain("GET", url, SignatureProfile.MagentoG2, host: "Shop.Example.com:443").BaseUri);
        Assert.Equal("https://shop.example.com/rest/V1/x", Explain("GET", url, SignatureProfile.Rfc5849, host: "Shop.Example.com:443").BaseUri);
    }

    [Fact]
    public void Explicit_non_default_port_is_kept_by_every_profile()
    {
        foreach (SignatureProfile profile in Enum.GetValues<SignatureProfile>())
        {
            Assert.Equal("http://shop.example.com:8080/rest/V1/x", Explain("GET", "http://shop.example.com:8080/rest/V1/x", profile).BaseUri);
        }
    }

    [Fact]
    public void Form_field_names_with_a_dot_are_renamed_by_PHP_before_Magento_signs_them()
    {
        Assert.Equal("a.b=1", Params(Explain("POST", "https://shop.example.com/x", SignatureProfile.Rfc5849, form: "a.b=1")));
        Assert.Equal("a_b=1", Params(Explain("POST", "https://shop.example.com/x", SignatureProfile.MagentoG2, form: "a.b=1")));
    }

    [Fact]
    public void Form_bodies_are_form_decoded_so_plus_is_a_space_in_every_profile()
    {
        foreach (SignatureProfile profile in Enum.GetValues<SignatureProfile>())
        {
            Assert.Equal("q=a%20b", Params(Explain("POST", "https://shop.example.com/x", profile, form: "q=a+b")));
        }
    }

    [Fact]
    public void Signing_key_is_the_encoded_secrets_joined_by_ampersand_even_without_a_token()
    {
        var consumerOnly = new OAuthCredentials("ck", "s&cret");
        var details = OAuthSigner.Default.Explain(new OAuthRequest("GET", new Uri("https://x.test/")) { Nonce = "n", Timestamp = 1 }, consumerOnly);
        using var hmac = new System.Security.Cryptography.HMACSHA256(System.Text.Encoding.ASCII.GetBytes("s%26cret&"));
        string expected = Convert.ToBase64String(hmac.ComputeHash(System.Text.Encoding.ASCII.GetBytes(details.BaseString)));
        Assert.Equal(expected, details.Signature);
        Assert.DoesNotContain("s&cret", details.MaskedSigningKey, StringComparison.Ordinal);
    }
}
