using MagentoOAuth.Signing;

namespace MagentoOAuth.Tests.Signing;

public sealed class PortabilityTests
{
    private static IReadOnlyList<PortabilityIssue> Analyze(string url, string? form = null, OAuthSignatureMethod method = OAuthSignatureMethod.HmacSha256, SignatureProfile profile = SignatureProfile.Rfc5849, string? host = null) =>
        PortabilityAnalyzer.Analyze(new OAuthRequest(form is null ? "GET" : "POST", new Uri(url)) { FormBody = form, SignatureMethod = method, Profile = profile, Host = host });

    private static string Refusers(IReadOnlyList<PortabilityIssue> issues) =>
        string.Join(",", issues.SelectMany(i => i.Generations).Distinct().Order().Select(g => "G" + (int)g));

    [Fact]
    public void A_portable_request_has_no_issue()
    {
        Assert.Empty(Analyze("https://shop.example.com/rest/default/V1/products?searchCriteria%5BpageSize%5D=5&searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=%25shirt%25&q=a%20b%2Bc"));
    }

    [Fact]
    public void Indices_2_and_10_are_refused_by_the_natural_order_generations()
    {
        var issues = Analyze("https://shop.example.com/rest/V1/products?f%5B2%5D=a&f%5B10%5D=b");
        Assert.Equal("G1,G2,G3", Refusers(issues));
        Assert.Contains("natural order", issues[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Encoded_slash_in_a_sku_is_refused_by_G1_G2_when_signed_as_sent()
    {
        var issues = Analyze("https://shop.example.com/rest/V1/products/ABC%2F10");
        Assert.Equal("G1,G2", Refusers(issues));
        Assert.Contains("%2F", issues[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Encoded_slash_signed_with_the_G2_profile_is_refused_by_G3_and_G4_instead()
    {
        Assert.Equal("G3,G4", Refusers(Analyze("https://shop.example.com/rest/V1/products/ABC%2F10", profile: SignatureProfile.MagentoG2)));
    }

    [Fact]
    public void Raw_plus_repeated_names_and_valueless_pairs_are_named()
    {
        var issues = Analyze("https://shop.example.com/rest/V1/x?q=a+b&r=1&r=2&flag");
        Assert.Contains(issues, i => i.Reason.Contains("raw '+'", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Reason.Contains("repeated", StringComparison.Ordinal) && i.Generations.Count == 4);
        Assert.Contains(issues, i => i.Reason.Contains("'flag'", StringComparison.Ordinal));
    }

    [Fact]
    public void Hmac_sha1_is_refused_from_2_4_4_on()
    {
        var issue = Assert.Single(Analyze("https://shop.example.com/oauth/token/request", method: OAuthSignatureMethod.HmacSha1));
        Assert.Equal("G2, G3, G4", issue.GenerationNames);
    }

    [Fact]
    public void Bracketed_form_fields_are_reported_as_a_server_error()
    {
        var issues = Analyze("https://shop.example.com/rest/V1/x", form: "product%5Bsku%5D=a");
        Assert.Contains(issues, i => i.Reason.Contains("500", StringComparison.Ordinal));
    }

    [Fact]
    public void Upper_case_host_header_is_refused_by_G4()
    {
        Assert.Equal("G4", Refusers(Analyze("https://shop.example.com/rest/V1/x", host: "Shop.Example.com")));
    }

    [Theory]
    [InlineData("https://Shop.Example.com:443/rest/V1/products?q=a+b&searchCriteria[pageSize]=5&flag", "https://shop.example.com/rest/V1/products?q=a%20b&searchCriteria%5BpageSize%5D=5&flag=")]
    [InlineData("https://shop.example.com/rest/V1/x?a=1&a=2&b%5B%5D=1&b%5B%5D=2", "https://shop.example.com/rest/V1/x?a=2&b%5B0%5D=1&b%5B1%5D=2")]
    [InlineData("https://shop.example.com/rest/V1/x?a[x][]=1&b=2&a[x][]=3", "https://shop.example.com/rest/V1/x?a%5Bx%5D%5B0%5D=1&b=2&a%5Bx%5D%5B1%5D=3")]
    [InlineData("https://shop.example.com/rest/V1/x?a[5]=1&a[]=2&a[]=3", "https://shop.example.com/rest/V1/x?a%5B5%5D=1&a%5B%5D=2&a%5B%5D=3")]
    [InlineData("https://shop.example.com/rest/V1/x?a[][b]=1&a[][b]=2", "https://shop.example.com/rest/V1/x?a%5B%5D%5Bb%5D=1&a%5B%5D%5Bb%5D=2")]
    [InlineData("https://shop.example.com/rest/V1/products/it's!?v=é", "https://shop.example.com/rest/V1/products/it%27s%21?v=%C3%A9")]
    [InlineData("https://shop.example.com/rest/V1/products/ABC%2F10", "https://shop.example.com/rest/V1/products/ABC%2F10")]
    public void Portable_form_keeps_meaning_and_fixes_what_it_can(string url, string expected)
    {
        Assert.Equal(expected, PortableRequest.ToPortableUri(new Uri(url)).AbsoluteUri);
    }

    [Theory]
    [InlineData("https://shop.example.com/rest/V1/products?searchCriteria%5BpageSize%5D=5&q=a%20b")]
    [InlineData("https://shop.example.com/rest/V1/products?searchCriteria[pageSize]=5")]
    [InlineData("https://shop.example.com/rest/V1/products?q=a+b")]
    [InlineData("https://shop.example.com/rest/V1/products?x=1&x=2")]
    [InlineData("https://shop.example.com/rest/V1/products?b%5B%5D=1&b%5B%5D=2")]
    [InlineData("https://shop.example.com/rest/V1/products?b%5B%5D=1")]
    [InlineData("https://shop.example.com/rest/V1/products?b%5B0%5D=1&b%5B1%5D=2")]
    [InlineData("https://shop.example.com/rest/V1/products?b%5B5%5D=1&b%5B%5D=2&b%5B%5D=3")]
    [InlineData("https://shop.example.com/rest/V1/products?b%5B%5D=0&b%5B%5D=1&b%5B%5D=2&b%5B%5D=3&b%5B%5D=4&b%5B%5D=5&b%5B%5D=6&b%5B%5D=7&b%5B%5D=8&b%5B%5D=9&b%5B%5D=10")]
    [InlineData("https://shop.example.com/rest/V1/products?flag")]
    [InlineData("https://shop.example.com/rest/V1/products?a=b=c")]
    [InlineData("https://shop.example.com/rest/V1/products?v=%c3%a9")]
    [InlineData("https://shop.example.com/rest/V1/products/it's!")]
    [InlineData("https://shop.example.com/rest/V1/products/ABC%2F10")]
    [InlineData("https://shop.example.com/rest/V1/products/a%2fb")]
    [InlineData("https://shop.example.com/rest/V1/products/%C3%A9?f%5B2%5D=a&f%5B10%5D=b")]
    [InlineData("https://shop.example.com/rest/V1/products")]
    [InlineData("https://shop.example.com/rest/V1/products?")]
    public void The_quick_portable_form_check_agrees_with_the_rewrite(string url)
    {
        var uri = new Uri(url);
        Uri rewritten = PortableRequest.ToPortableUri(uri);

        // The rewrite's output is recognised as portable form, and recognising it never skips a needed rewrite.
        Assert.True(PortableRequest.IsInPortableForm(rewritten), rewritten.AbsoluteUri);
        if (PortableRequest.IsInPortableForm(uri))
        {
            Assert.Same(uri, rewritten);
        }
    }

    [Fact]
    public void Portable_form_of_a_fixable_request_has_no_issue()
    {
        Uri portable = PortableRequest.ToPortableUri(new Uri("https://shop.example.com/rest/V1/products/it's!?q=a+b&x=1&x=2&flag&a=b=c"));
        Assert.Empty(PortabilityAnalyzer.Analyze(new OAuthRequest("GET", portable)));
    }

    [Fact]
    public void Repeated_array_names_are_numbered_and_then_nothing_is_refused()
    {
        var uri = new Uri("https://shop.example.com/rest/V1/products?a[]=1&a[]=2");
        PortabilityIssue issue = Assert.Single(Analyze(uri.AbsoluteUri));
        Assert.Equal("repeated-name", issue.Rule);
        Assert.Equal("G1, G2, G3, G4", issue.GenerationNames);
        Assert.Equal("Number the values instead, 'a[0]', 'a[1]', …, which PHP reads as the same array.", issue.Advice);

        Uri portable = PortableRequest.ToPortableUri(uri);
        Assert.Equal("https://shop.example.com/rest/V1/products?a%5B0%5D=1&a%5B1%5D=2", portable.AbsoluteUri);
        Assert.Empty(PortabilityAnalyzer.Analyze(new OAuthRequest("GET", portable)));
    }

    [Fact]
    public void More_than_ten_appended_values_cannot_be_numbered_and_stay_refused()
    {
        string url = "https://shop.example.com/rest/V1/products?" + string.Join("&", Enumerable.Range(0, 11).Select(i => "a%5B%5D=" + i));
        Assert.Equal(url, PortableRequest.ToPortableUri(new Uri(url)).AbsoluteUri);

        PortabilityIssue issue = Assert.Single(Analyze(url));
        Assert.Equal("G1, G2, G3, G4", issue.GenerationNames);
        Assert.StartsWith("Its 11 values cannot be numbered portably", issue.Advice, StringComparison.Ordinal);

        // Numbered, indices 0–10 sort differently in G1–G3 and G4: the reason the rewrite stops at 10.
        string numbered = "https://shop.example.com/rest/V1/products?" + string.Join("&", Enumerable.Range(0, 11).Select(i => $"a%5B{i}%5D={i}"));
        Assert.Equal("G1,G2,G3,G4", Refusers(Analyze(numbered)));

        // Every Magento generation signs only the last value, so signing with one of their profiles is accepted by all.
        Assert.Empty(Analyze(url, profile: SignatureProfile.MagentoG4));
    }

    [Fact]
    public void An_array_other_names_also_write_to_is_not_numbered_and_the_advice_says_so()
    {
        PortabilityIssue issue = Assert.Single(Analyze("https://shop.example.com/rest/V1/products?a%5B%5D=2&a%5B%5D=3&a%5Bx%5D=1"));
        Assert.StartsWith("Number the values yourself with the indices PHP would give them", issue.Advice, StringComparison.Ordinal);
    }
}
