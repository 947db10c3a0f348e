using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MagentoOAuth.Signing;
using RestSharp;
using RestSharp.Authenticators;
using RestOAuth = RestSharp.Authenticators.OAuth;

namespace MagentoOAuth.Benchmarks;

/// <summary>
/// Signing the same four requests three ways: MagentoOAuth's signer, RestSharp 114's OAuth1Authenticator (HMAC-SHA256),
/// and the floor, HMACSHA256.HashData over the already-built base string (nothing signs faster than its hash).
/// Both signers make a fresh nonce and timestamp each time, as they do in use. Ratios are to the floor of each request.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SigningBenchmarks
{
    private const string ConsumerKey = "ck0123456789abcdefghijklmnopqrst";
    private const string ConsumerSecret = "cs0123456789abcdefghijklmnopqrst";
    private const string Token = "at0123456789abcdefghijklmnopqrst";
    private const string TokenSecret = "ts0123456789abcdefghijklmnopqrst";
    private const string Verifier = "vf0123456789abcdefghijklmnopqrst";

    // (a) five searchCriteria parameters, one value non-ASCII, one with '/'.
    private static readonly Uri Products = new(
        "https://shop.example.com/rest/default/V1/products?searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=name" +
        "&searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=Caf%C3%A9%20cr%C3%A8me" +
        "&searchCriteria%5BfilterGroups%5D%5B1%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=sku" +
        "&searchCriteria%5BfilterGroups%5D%5B1%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=WSH01%2F28&searchCriteria%5BpageSize%5D=20");

    private static readonly Uri Access = new("https://shop.example.com/oauth/token/access");
    private static readonly Uri Product = new("https://shop.example.com/rest/default/V1/products/24-MB01");
    private static readonly Uri Form = new("https://shop.example.com/rest/default/V1/customers/1/addresses");
    private static readonly string FormBody = string.Join('&', Enumerable.Range(1, 20).Select(i => $"field{i}=value%20{i}"));

    private readonly OAuthSigner _signer = new();
    private readonly OAuthCredentials _access = new(ConsumerKey, ConsumerSecret, Token, TokenSecret);
    private readonly OAuthCredentials _request = new(ConsumerKey, ConsumerSecret, "rt0123456789abcdefghijklmnopqrst", "rs0123456789abcdefghijklmnopqrst");
    private readonly RestClient _rest = new(new RestClientOptions("https://shop.example.com"));
    private readonly OAuth1Authenticator _restProtected = OAuth1Authenticator.ForProtectedResource(ConsumerKey, ConsumerSecret, Token, TokenSecret, RestOAuth.OAuthSignatureMethod.HmacSha256);
    private readonly OAuth1Authenticator _restAccess = OAuth1Authenticator.ForAccessToken(ConsumerKey, ConsumerSecret, "rt0123456789abcdefghijklmnopqrst", "rs0123456789abcdefghijklmnopqrst", Verifier);
    private readonly byte[] _key = Encoding.ASCII.GetBytes(ConsumerSecret + "&" + TokenSecret);
    private readonly byte[] _signature = new byte[32];
    private byte[] _productsBase = [];
    private byte[] _accessBase = [];
    private byte[] _productBase = [];
    private byte[] _formBase = [];

    [GlobalSetup]
    public void Setup()
    {
        _restAccess.SignatureMethod = RestOAuth.OAuthSignatureMethod.HmacSha256;
        byte[] BaseOf(OAuthRequest request, OAuthCredentials credentials) => Encoding.ASCII.GetBytes(_signer.Explain(request, credentials).BaseString);
        _productsBase = BaseOf(new OAuthRequest("GET", Products), _access);
        _accessBase = BaseOf(new OAuthRequest("POST", Access) { Verifier = Verifier }, _request);
        _productBase = BaseOf(new OAuthRequest("PUT", Product), _access);
        _formBase = BaseOf(new OAuthRequest("POST", Form) { FormBody = FormBody }, _access);
    }

    [GlobalCleanup]
    public void Cleanup() => _rest.Dispose();

    [Benchmark(Baseline = true), BenchmarkCategory("a GET products, 5 searchCriteria")]
    public int FloorProducts() => HMACSHA256.HashData(_key, _productsBase, _signature);

    [Benchmark, BenchmarkCategory("a GET products, 5 searchCriteria")]
    public string MagentoOAuthProducts() => _signer.CreateAuthorizationHeader(new OAuthRequest("GET", Products), _access);

    [Benchmark, BenchmarkCategory("a GET products, 5 searchCriteria")]
    public async Task<int> RestSharpProducts()
    {
        var request = new RestRequest("rest/default/V1/products", Method.Get)
            .AddQueryParameter("searchCriteria[filterGroups][0][filters][0][field]", "name")
            .AddQueryParameter("searchCriteria[filterGroups][0][filters][0][value]", "Café crème")
            .AddQueryParameter("searchCriteria[filterGroups][1][filters][0][field]", "sku")
            .AddQueryParameter("searchCriteria[filterGroups][1][filters][0][value]", "WSH01/28")
            .AddQueryParameter("searchCriteria[pageSize]", "20");
        await _restProtected.Authenticate(_rest, request);
        return request.Parameters.Count;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("b POST oauth/token/access")]
    public int FloorAccess() => HMACSHA256.HashData(_key, _accessBase, _signature);

    [Benchmark, BenchmarkCategory("b POST oauth/token/access")]
    public string MagentoOAuthAccess() => _signer.CreateAuthorizationHeader(new OAuthRequest("POST", Access) { Verifier = Verifier }, _request);

    [Benchmark, BenchmarkCategory("b POST oauth/token/access")]
    public async Task<int> RestSharpAccess()
    {
        var request = new RestRequest("oauth/token/access", Method.Post);
        await _restAccess.Authenticate(_rest, request);
        return request.Parameters.Count;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("c PUT product, JSON body")]
    public int FloorProduct() => HMACSHA256.HashData(_key, _productBase, _signature);

    [Benchmark, BenchmarkCategory("c PUT product, JSON body")]
    public string MagentoOAuthProduct() => _signer.CreateAuthorizationHeader(new OAuthRequest("PUT", Product), _access);

    [Benchmark, BenchmarkCategory("c PUT product, JSON body")]
    public async Task<int> RestSharpProduct()
    {
        var request = new RestRequest("rest/default/V1/products/24-MB01", Method.Put).AddJsonBody("{\"product\":{\"price\":12.5}}");
        await _restProtected.Authenticate(_rest, request);
        return request.Parameters.Count;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("d POST form, 20 fields")]
    public int FloorForm() => HMACSHA256.HashData(_key, _formBase, _signature);

    [Benchmark, BenchmarkCategory("d POST form, 20 fields")]
    public string MagentoOAuthForm() => _signer.CreateAuthorizationHeader(new OAuthRequest("POST", Form) { FormBody = FormBody }, _access);

    [Benchmark, BenchmarkCategory("d POST form, 20 fields")]
    public async Task<int> RestSharpForm()
    {
        var request = new RestRequest("rest/default/V1/customers/1/addresses", Method.Post);
        for (int i = 1; i <= 20; i++)
        {
            request.AddParameter("field" + i, "value " + i);
        }

        await _restProtected.Authenticate(_rest, request);
        return request.Parameters.Count;
    }
}
