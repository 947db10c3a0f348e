using MagentoOAuth.Signing;

namespace MagentoOAuth.Tests.Signing;

/// <summary>Issue #6's allocation goal, held: signing allocates the header string and nothing else.</summary>
public sealed class AllocationTests
{
    private static readonly OAuthCredentials Credentials = new("ck0123456789abcdefghijklmnopqrst", "cs0123456789abcdefghijklmnopqrst", "at0123456789abcdefghijklmnopqrst", "ts0123456789abcdefghijklmnopqrst");

    public static TheoryData<string, string, string?> Requests => new()
    {
        { "GET", "https://shop.example.com/rest/default/V1/products?searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=Caf%C3%A9&searchCriteria%5BpageSize%5D=20", null },
        { "PUT", "https://shop.example.com/rest/default/V1/products/24-MB01", null },
        { "POST", "https://shop.example.com/rest/default/V1/customers/1/addresses", string.Join('&', Enumerable.Range(1, 20).Select(i => $"field{i}=value%20{i}")) },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Signing_allocates_only_the_header_string(string method, string url, string? form)
    {
        var signer = new OAuthSigner();
        var request = new OAuthRequest(method, new Uri(url)) { FormBody = form };
        for (int i = 0; i < 3; i++)
        {
            signer.CreateAuthorizationHeader(request, Credentials);
        }

        long expected = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            expected += StringSize(signer.CreateAuthorizationHeader(request, Credentials).Length);
        }

        Assert.Equal(expected, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    // A string on 64-bit .NET: object header and method table (16), length (4), the characters and a terminator (2 each),
    // rounded up to 8.
    private static long StringSize(int length) => (16 + 4 + (2 * (length + 1)) + 7) & ~7L;
}
