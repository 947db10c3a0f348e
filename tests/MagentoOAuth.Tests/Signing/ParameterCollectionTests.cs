using System.Text;
using MagentoOAuth.Signing;

namespace MagentoOAuth.Tests.Signing;

/// <summary>
/// The one-pass reading of queries and form bodies against a plain reading of RFC 5849 §3.4.1.3: split on '&amp;',
/// drop empty pairs, split at the first '=', form-decode, encode per §3.6, sort by name then value, byte order.
/// </summary>
public sealed class ParameterCollectionTests
{
    private static readonly OAuthCredentials Credentials = new("ck0123456789abcdefghijklmnopqrst", "cs0123456789abcdefghijklmnopqrst", "at0123456789abcdefghijklmnopqrst", "ts0123456789abcdefghijklmnopqrst");

    [Fact]
    public void Random_queries_and_form_bodies_are_collected_as_the_RFC_reads_them()
    {
        string[] pieces = ["a", "b", "Z9", "=", "&", "&&", "%", "%2", "%3D", "%26", "%2f", "+", "~", "é", "😀", "[0]", "%5B", "x.y", "*"];
        var random = new Random(3413);
        for (int round = 0; round < 500; round++)
        {
            // Every tenth round is long enough (over 64 parameters) for the framework sort's path.
            int length = round % 10 == 0 ? 400 : 12;
            string Text() => string.Concat(Enumerable.Range(0, random.Next(0, length)).Select(_ => pieces[random.Next(pieces.Length)]));
            string query = Text();
            string form = Text();
            string url = "https://shop.example.com/rest/V1/x" + (query.Length > 0 ? "?" + query.Replace("#", string.Empty, StringComparison.Ordinal) : string.Empty);
            var uri = new Uri(url);
            OAuthSignatureDetails details = OAuthSigner.Default.Explain(new OAuthRequest("POST", uri) { FormBody = form, Nonce = "n", Timestamp = 1 }, Credentials);

            // What Uri put on the wire is what is signed: read the query back from it.
            string wireQuery = uri.Query.Length > 0 ? uri.Query[1..] : string.Empty;
            List<string> expected = Reference(wireQuery).Concat(Reference(form))
                .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
                .Select(p => p.Name + "=" + p.Value).ToList();
            List<string> actual = details.Parameters.Where(p => !p.Key.StartsWith("oauth_", StringComparison.Ordinal) || !IsProtocol(p.Key)).Select(p => p.Key + "=" + p.Value).ToList();
            Assert.True(expected.SequenceEqual(actual), $"query '{wireQuery}', form '{form}':\nexpected {string.Join('&', expected)}\nactual   {string.Join('&', actual)}");
        }
    }

    [Theory]
    [InlineData(16 * 1024 - 1)]
    [InlineData(16 * 1024 - 2)]
    [InlineData(16 * 1024 - 3)]
    [InlineData(16 * 1024 + 5)]
    public void Long_bodies_are_read_the_same_across_the_encoder_s_chunks(int padding)
    {
        // An escape, a '+', raw non-ASCII with a surrogate pair and a pair boundary all land at the 16K-character seams.
        string form = "a=" + new string('x', padding) + "%2F+%C3%A9&" + new string('é', 83) + "😀" + new string('é', 90) + "=" + new string('y', padding) + "%7e&z";
        var uri = new Uri("https://shop.example.com/rest/V1/x");
        OAuthSignatureDetails details = OAuthSigner.Default.Explain(new OAuthRequest("POST", uri) { FormBody = form, Nonce = "n", Timestamp = 1 }, Credentials);

        List<string> expected = Reference(form)
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value).ToList();
        List<string> actual = details.Parameters.Where(p => !IsProtocol(p.Key)).Select(p => p.Key + "=" + p.Value).ToList();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_host_header_HTTP_cannot_send_is_refused_with_a_reason()
    {
        var request = new OAuthRequest("GET", new Uri("https://shop.example.com/rest/V1/x")) { Host = "exämple.com" };

        ArgumentException error = Assert.Throws<ArgumentException>(() => OAuthSigner.Default.CreateAuthorizationHeader(request, Credentials));
        Assert.Contains("xn--", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("urn:x")]
    [InlineData("news:a/b")]
    public void URLs_without_an_authority_still_sign(string url) =>
        Assert.StartsWith("OAuth ", OAuthSigner.Default.CreateAuthorizationHeader(new OAuthRequest("GET", new Uri(url)), Credentials), StringComparison.Ordinal);

    private static bool IsProtocol(string name) => name is "oauth_consumer_key" or "oauth_nonce" or "oauth_signature_method" or "oauth_timestamp" or "oauth_token" or "oauth_version";

    private static IEnumerable<(string Name, string Value)> Reference(string text) =>
        text.Split('&').Where(pair => pair.Length > 0).Select(pair =>
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            return equals < 0 ? (Encode(Decode(pair)), string.Empty) : (Encode(Decode(pair[..equals])), Encode(Decode(pair[(equals + 1)..])));
        });

    private static byte[] Decode(string wire)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < wire.Length; i++)
        {
            if (wire[i] == '%' && i + 2 < wire.Length && Uri.IsHexDigit(wire[i + 1]) && Uri.IsHexDigit(wire[i + 2]))
            {
                bytes.Add(Convert.ToByte(wire.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (wire[i] == '+')
            {
                bytes.Add((byte)' ');
            }
            else
            {
                int length = char.IsHighSurrogate(wire[i]) ? 2 : 1;
                bytes.AddRange(Encoding.UTF8.GetBytes(wire.Substring(i, length)));
                i += length - 1;
            }
        }

        return [.. bytes];
    }

    private static string Encode(byte[] bytes) => string.Concat(bytes.Select(b =>
        (b is >= (byte)'a' and <= (byte)'z') || (b is >= (byte)'A' and <= (byte)'Z') || (b is >= (byte)'0' and <= (byte)'9') || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~'
            ? ((char)b).ToString()
            : $"%{b:X2}"));
}
