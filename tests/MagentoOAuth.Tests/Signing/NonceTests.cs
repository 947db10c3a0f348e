using System.Text.RegularExpressions;
using MagentoOAuth.Signing;

namespace MagentoOAuth.Tests.Signing;

public sealed partial class NonceTests
{
    private static readonly OAuthCredentials Credentials = new("ck0123456789abcdefghijklmnopqrst", "cs0123456789abcdefghijklmnopqrst");

    [Fact]
    public void Nonces_are_32_characters_fit_for_Magento_unique_and_evenly_spread()
    {
        // Magento keeps the nonce in a varchar(32), unique per consumer (I/etc/db_schema.xml).
        var request = new OAuthRequest("POST", new Uri("https://shop.example.com/oauth/token/request"));
        var nonces = new List<string>();
        for (int i = 0; i < 1000; i++)
        {
            Match match = NonceInHeader().Match(OAuthSigner.Default.CreateAuthorizationHeader(request, Credentials));
            Assert.True(match.Success);
            nonces.Add(match.Groups[1].Value);
        }

        Assert.Equal(nonces.Count, nonces.Distinct(StringComparer.Ordinal).Count());

        // 32,000 characters over 32 symbols: about 1,000 each, with a standard deviation near 31.
        Dictionary<char, int> counts = string.Concat(nonces).GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(32, counts.Count);
        Assert.All(counts.Values, count => Assert.InRange(count, 800, 1200));
    }

    [GeneratedRegex("oauth_nonce=\"([0-9a-v]{32})\"")]
    private static partial Regex NonceInHeader();
}
