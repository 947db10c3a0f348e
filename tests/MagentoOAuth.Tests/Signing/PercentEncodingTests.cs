using MagentoOAuth.Signing;

namespace MagentoOAuth.Tests.Signing;

public sealed class PercentEncodingTests
{
    [Theory]
    [InlineData("abcABC123-._~", "abcABC123-._~")]
    [InlineData(" ", "%20")]
    [InlineData("+", "%2B")]
    [InlineData("%", "%25")]
    [InlineData("[]", "%5B%5D")]
    [InlineData("é", "%C3%A9")]
    [InlineData("😀", "%F0%9F%98%80")]
    [InlineData("*'()!", "%2A%27%28%29%21")]
    public void Encodes_per_RFC_5849_section_3_6(string text, string expected) => Assert.Equal(expected, PercentEncoding.Encode(text));

    [Theory]
    [InlineData("a%2fb", false, "a%2Fb")]
    [InlineData("a+b", true, "a%20b")]
    [InlineData("a+b", false, "a%2Bb")]
    [InlineData("100%", false, "100%25")]
    [InlineData("%zz", false, "%25zz")]
    [InlineData("%FF", false, "%FF")]
    [InlineData("é", false, "%C3%A9")]
    [InlineData("%7e%41%2d", false, "~A-")]
    [InlineData("%2", false, "%252")]
    [InlineData("a%", false, "a%25")]
    [InlineData("éé+x", true, "%C3%A9%C3%A9%20x")]
    [InlineData("x😀y%2Fz", false, "x%F0%9F%98%80y%2Fz")]
    [InlineData("Caf%C3%A9%20cr%C3%A8me", true, "Caf%C3%A9%20cr%C3%A8me")]
    public void Recodes_wire_text_canonically(string wire, bool plusIsSpace, string expected)
    {
        var writer = new ByteWriter(16);
        try
        {
            PercentEncoding.AppendRecoded(ref writer, wire, plusIsSpace);
            Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(writer.WrittenSpan));
        }
        finally
        {
            writer.Dispose();
        }
    }

    [Fact]
    public void Recoding_matches_a_plain_decode_then_encode_on_random_wire_text()
    {
        // An independent reference: decode to bytes (rawurldecode rules, '+' per form decoding), then escape every byte
        // outside RFC 3986's unreserved set with upper-case hex.
        string[] alphabet = ["a", "Z", "0", "~", "-", "%", "2", "F", "f", "g", "+", " ", "/", "[", "é", "😀", "%2F", "%7e", "%C3%A9"];
        var random = new Random(5849);
        for (int round = 0; round < 2000; round++)
        {
            string wire = string.Concat(Enumerable.Range(0, random.Next(0, 24)).Select(_ => alphabet[random.Next(alphabet.Length)]));
            bool plusIsSpace = random.Next(2) == 0;
            var writer = new ByteWriter(8);
            try
            {
                PercentEncoding.AppendRecoded(ref writer, wire, plusIsSpace);
                Assert.Equal(Reference(wire, plusIsSpace), System.Text.Encoding.ASCII.GetString(writer.WrittenSpan));
            }
            finally
            {
                writer.Dispose();
            }
        }
    }

    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("a%2Fb", "a%252Fb")]
    [InlineData("%5B0%5D", "%255B0%255D")]
    [InlineData("", "")]
    public void Encodes_canonical_text_again_for_the_base_string(string encoded, string expected)
    {
        var writer = new ByteWriter(4);
        try
        {
            PercentEncoding.AppendEncodedAgain(ref writer, System.Text.Encoding.ASCII.GetBytes(encoded));
            Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(writer.WrittenSpan));
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static string Reference(string wire, bool plusIsSpace)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < wire.Length; i++)
        {
            if (wire[i] == '%' && i + 2 < wire.Length && Uri.IsHexDigit(wire[i + 1]) && Uri.IsHexDigit(wire[i + 2]))
            {
                bytes.Add(Convert.ToByte(wire.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (wire[i] == '+' && plusIsSpace)
            {
                bytes.Add((byte)' ');
            }
            else
            {
                int length = char.IsHighSurrogate(wire[i]) ? 2 : 1;
                bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(wire.Substring(i, length)));
                i += length - 1;
            }
        }

        return string.Concat(bytes.Select(b => (b is >= (byte)'a' and <= (byte)'z') || (b is >= (byte)'A' and <= (byte)'Z') || (b is >= (byte)'0' and <= (byte)'9') || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~'
            ? ((char)b).ToString()
            : $"%{b:X2}"));
    }
}
