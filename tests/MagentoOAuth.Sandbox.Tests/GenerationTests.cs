using System.Net;
using MagentoOAuth.Sandbox.Oauth;
using MagentoOAuth.Signing;

namespace MagentoOAuth.Sandbox.Tests;

/// <summary>
/// The client's signer profiles and portability analysis, checked against the sandbox's own re-implementation of each
/// Magento generation (written from Magento's PHP, sharing no code with the client): a request signed with the
/// generation's profile must be accepted, and one signed per RFC 5849 refused exactly when the analyzer says so.
/// </summary>
public abstract class GenerationTests(SignerGeneration generation, SignatureProfile profile) : SandboxTestBase
{
    protected override SandboxOptions Options => new() { Signer = generation };

    public static TheoryData<string> Requests => new()
    {
        "V1/products?searchCriteria[pageSize]=5",
        "V1/products?searchCriteria[filter_groups][10][filters][0][field]=sku&searchCriteria[filter_groups][2][filters][0][field]=name",
        "V1/products?searchCriteria[filter_groups][1][filters][0][field]=sku&searchCriteria[filter_groups][10][filters][0][field]=name",
        "V1/products/WSH01%2F28",
        "V1/products/50%25OFF",
        "V1/products/a%3Ab",
        "V1/products/it's!(x)",
        "V1/products?searchCriteria=&q=a+b",
        "V1/products?searchCriteria[filter_groups][0][filters][0][value]=a+b",
        "V1/products?searchCriteria=&x=1&x=2",
        "V1/products?searchCriteria=&flag",
        "V1/products?searchCriteria=&a=b=c",
        "V1/products?searchCriteria=&xoauth_id=1",
        "V1/products?searchCriteria=&a.b=1",
        "V1/products?searchCriteria=&a=1&a[b]=2",
        "V1/products?searchCriteria=&name=Caf%C3%A9%20cr%C3%A8me&emoji=%F0%9F%98%80",
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task The_generations_profile_is_accepted(string relative)
    {
        using HttpClient client = SignedClient(await ExchangedAsync(), profile);
        HttpResponseMessage response = await client.GetAsync(relative);
        Assert.True(response.StatusCode != HttpStatusCode.Unauthorized, $"{generation} refused {relative} signed with {profile}: {await response.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Rfc5849_is_refused_exactly_when_the_analyzer_predicts_it(string relative)
    {
        using HttpClient client = SignedClient(await ExchangedAsync());
        HttpResponseMessage response = await client.GetAsync(relative);
        bool refused = response.StatusCode == HttpStatusCode.Unauthorized;

        Uri sent = new(new Uri(Sandbox.BaseUrl, "rest/"), relative);
        bool predicted = PortabilityAnalyzer.Analyze(new OAuthRequest("GET", sent)).Any(i => i.Generations.Contains(profile));
        Assert.True(refused == predicted, $"{generation} {(refused ? "refused" : "accepted")} {relative}, the analyzer predicted {(predicted ? "refusal" : "acceptance")}: {await response.Content.ReadAsStringAsync()}");
    }
}

public sealed class G1Tests() : GenerationTests(SignerGeneration.G1, SignatureProfile.MagentoG1)
{
    [Fact]
    public async Task G1_accepts_hmac_sha1()
    {
        var posted = await ActivatedAsync();
        var (status, _, _) = await PostTokenAsync("request", Header("request", Consumer(posted), method: OAuthSignatureMethod.HmacSha1));
        Assert.Equal(200, status);
    }
}

public sealed class G2Tests() : GenerationTests(SignerGeneration.G2, SignatureProfile.MagentoG2);

public sealed class G3Tests() : GenerationTests(SignerGeneration.G3, SignatureProfile.MagentoG3);

public sealed class G4Tests() : GenerationTests(SignerGeneration.G4, SignatureProfile.MagentoG4);
