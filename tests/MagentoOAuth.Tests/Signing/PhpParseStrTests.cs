using System.Text.Json.Nodes;
using MagentoOAuth.Signing;
using MagentoOAuth.Tests.Interop;

namespace MagentoOAuth.Tests.Signing;

/// <summary>
/// What we claim about PHP's parse_str (the names Magento G4 and every form body see, the arrays Magento reads),
/// checked against PHP itself (tests/interop/php_parse_str.php).
/// </summary>
public sealed class PhpParseStrTests
{
    private static IReadOnlyList<PortabilityIssue> Analyze(string url, string? form = null) =>
        PortabilityAnalyzer.Analyze(new OAuthRequest(form is null ? "GET" : "POST", new Uri(url)) { FormBody = form });

    [Theory]
    [InlineData("a[b")]
    [InlineData("a[[b")]
    [InlineData("a[b.c")]
    [InlineData("a[.b")]
    [InlineData("a.b[c")]
    [InlineData("a[b c")]
    [InlineData("a.b")]
    [InlineData("a b")]
    [InlineData(" a.b")]
    [InlineData(".a")]
    [InlineData("a]b")]
    [InlineData("a[b]c")]
    [InlineData("a[b[c]")]
    [InlineData("a[b][c")]
    [InlineData("a.b[c]")]
    [InlineData("a[ b]")]
    [InlineData("a[x][]")]
    [InlineData("[a]")]
    [InlineData("[a")]
    public void Our_php_names_and_paths_are_the_ones_parse_str_produces(string name)
    {
        JsonNode? parsed = PhpParseStr.Parse(Uri.EscapeDataString(name) + "=1")[0];
        IReadOnlyList<string> php = PhpParseStr.PathOfOnlyValue(parsed);

        List<string>? ours = ParameterRules.PhpPath(name);
        Assert.Equal<IEnumerable<string>>(php, ours?.Select(k => k.Length == 0 ? "0" : k).ToList() ?? []);
        if (!ParameterRules.IsBracketedName(name.TrimStart(' ')))
        {
            Assert.Equal(php.SingleOrDefault(), ParameterRules.PhpName(name));
        }
    }

    [Theory]
    [InlineData("a[b", "a_b")]
    [InlineData("a[[b", "a__b")]
    [InlineData("a[b.c", "a_b_c")]
    [InlineData("a.b", "a_b")]
    [InlineData("a b", "a_b")]
    public void The_renamed_name_warning_names_the_name_PHP_produces(string name, string renamed)
    {
        string fromPhp = PhpParseStr.PathOfOnlyValue(PhpParseStr.Parse(Uri.EscapeDataString(name) + "=1")[0]).Single();
        Assert.Equal(renamed, fromPhp);

        PortabilityIssue issue = Assert.Single(Analyze("https://shop.example.com/rest/V1/x?" + Uri.EscapeDataString(name) + "=1"));
        Assert.Equal("php-renamed-name", issue.Rule);
        Assert.Equal($"'{name}' is a name PHP renames to '{fromPhp}', and G4 signs it under both names.", issue.Reason);
        Assert.Equal("G4", issue.GenerationNames);

        PortabilityIssue form = Assert.Single(Analyze("https://shop.example.com/rest/V1/x", form: Uri.EscapeDataString(name) + "=1"), i => i.Rule == "php-renamed-form-field");
        Assert.Equal($"the form field '{name}' is renamed by PHP to '{fromPhp}' before Magento signs it.", form.Reason);
    }

    [Fact]
    public void G4_signs_an_unclosed_bracket_name_under_the_name_PHP_gives_it()
    {
        var request = new OAuthRequest("GET", new Uri("https://shop.example.com/rest/V1/x?a%5B%5Bb=1")) { Profile = SignatureProfile.MagentoG4, Nonce = "n", Timestamp = 1 };
        OAuthSignatureDetails details = OAuthSigner.Default.Explain(request, new OAuthCredentials("k", "s"));
        Assert.Contains(details.Parameters, p => p.Key == "a__b" && p.Value == "1");
        Assert.Contains(details.Parameters, p => p.Key == "a%5B%5Bb" && p.Value == "1");
    }

    [Fact]
    public void Php_reads_appended_and_numbered_array_values_alike()
    {
        IReadOnlyList<JsonNode?> parsed = PhpParseStr.Parse("a[]=1&a[]=2", "a[0]=1&a[1]=2", "a%5B%5D=1&a%5B%5D=2", "a%5B0%5D=1&a%5B1%5D=2");
        Assert.Equal("""{"a":["1","2"]}""", parsed[0]!.ToJsonString());
        Assert.All(parsed, p => Assert.True(JsonNode.DeepEquals(parsed[0], p), p?.ToJsonString()));
    }

    /// <summary>Queries with appended array values ('[]'), and whether the portable form numbers all of them.</summary>
    public static TheoryData<string, bool> ArrayQueries => new()
    {
        { "a[]=1&a[]=2", true },
        { "a[]=x&a[]=y&a[]=z&b=1", true },
        { "a[x][]=1&a[x][]=2&b=3", true },
        { "a[]=1&a[]=2&b[]=3&b[]=4", true },
        { "a[]=1&a[]=2&a[x][]=3&a[x][]=4", false },
        { "a[]=0&a[]=1&a[]=2&a[]=3&a[]=4&a[]=5&a[]=6&a[]=7&a[]=8&a[]=9", true },
        { "a[]=0&a[]=1&a[]=2&a[]=3&a[]=4&a[]=5&a[]=6&a[]=7&a[]=8&a[]=9&a[]=10", false },
        { "a[5]=1&a[]=2&a[]=3", false },
        { "a[x][]=1&a[x]=5&a[x][]=2", false },
        { "a[x][]=1&a[x]junk=5&a[x][]=2", false },
        { "a[]=1&a=5&a[]=2", false },
        { "a[][b]=1&a[][b]=2", false },
        { "a.b[]=1&a_b[]=2&a.b[]=3", false },
        { "a[]=1", false },
        { "q=a+b&x=1&x=2&flag&a=b=c&c[]=1&c[]=2", true },
    };

    [Theory]
    [MemberData(nameof(ArrayQueries))]
    public void Php_reads_the_portable_form_as_it_reads_the_request(string query, bool numbered)
    {
        var uri = new Uri("https://shop.example.com/rest/V1/x?" + query);
        Uri portable = PortableRequest.ToPortableUri(uri);

        IReadOnlyList<JsonNode?> parsed = PhpParseStr.Parse(uri.Query[1..], portable.Query[1..]);
        Assert.True(JsonNode.DeepEquals(parsed[0], parsed[1]), $"{uri.Query} -> {portable.Query}: {parsed[0]?.ToJsonString()} vs {parsed[1]?.ToJsonString()}");
        Assert.Equal(numbered, !portable.Query.Contains("%5B%5D", StringComparison.Ordinal));
        Assert.True(PortableRequest.IsInPortableForm(portable), portable.AbsoluteUri);
        if (numbered)
        {
            Assert.Empty(PortabilityAnalyzer.Analyze(new OAuthRequest("GET", portable)));
        }
    }
}
