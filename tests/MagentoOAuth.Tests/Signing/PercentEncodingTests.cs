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
}
