using System.Text;
using MagentoOAuth.Signing;

namespace MagentoOAuth.Tests.Signing;

/// <summary>PHP's strnatcmp results, as documented in the PHP manual's natsort/strnatcmp examples.</summary>
public sealed class NaturalOrderTests
{
    [Theory]
    [InlineData("img12.png", "img10.png", 1)]
    [InlineData("img2.png", "img10.png", -1)]
    [InlineData("img1.png", "img1.png", 0)]
    [InlineData("f%5B2%5D", "f%5B10%5D", -1)]
    [InlineData("f%5B1%5D", "f%5B10%5D", -1)]
    [InlineData("a", "b", -1)]
    [InlineData("abc", "ab", 1)]
    [InlineData("x01", "x1", -1)]
    [InlineData("", "a", -1)]
    [InlineData("IMG0.png", "img1.png", -1)]
    public void Compares_like_php_strnatcmp(string a, string b, int expected)
    {
        Assert.Equal(expected, Math.Sign(NaturalOrder.Compare(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b))));
        Assert.Equal(-expected, Math.Sign(NaturalOrder.Compare(Encoding.ASCII.GetBytes(b), Encoding.ASCII.GetBytes(a))));
    }

    [Fact]
    public void Sorts_the_php_manual_natsort_example()
    {
        string[] files = ["img12.png", "img10.png", "img2.png", "img1.png"];
        Array.Sort(files, (x, y) => NaturalOrder.Compare(Encoding.ASCII.GetBytes(x), Encoding.ASCII.GetBytes(y)));
        Assert.Equal(["img1.png", "img2.png", "img10.png", "img12.png"], files);
    }
}
