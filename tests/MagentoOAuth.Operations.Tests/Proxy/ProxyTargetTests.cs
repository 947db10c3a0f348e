using MagentoOAuth.Operations.Proxy;

namespace MagentoOAuth.Operations.Tests.Proxy;

public sealed class ProxyTargetTests
{
    [Theory]
    [InlineData("/proxy/abc/rest/V1/products/a%2Fb?searchCriteria[pageSize]=5&x=%2B", "abc", "V1/products/a%2Fb?searchCriteria[pageSize]=5&x=%2B")]
    [InlineData("/proxy/http%3A%2F%2Fshop.example.com%2F/rest/default/V1/orders", "http://shop.example.com/", "default/V1/orders")]
    [InlineData("/proxy/abc/rest", "abc", "")]
    [InlineData("/base/proxy/abc/rest/V1/x?", "abc", "V1/x?")]
    public void The_store_and_the_rest_tail_are_read_from_the_raw_target(string raw, string store, string tail)
    {
        Assert.True(ProxyTarget.TryParse(raw, out ProxyTarget target));
        Assert.Equal(store, target.Store);
        Assert.Equal(tail, target.RestTail);
        Assert.DoesNotContain("?", target.Path, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/proxy/abc/admin")]
    [InlineData("/proxy/abc/restx/V1")]
    [InlineData("/proxy/abc/rest/../admin")]
    [InlineData("/proxy/abc/rest/V1/%2e%2E/x")]
    [InlineData("/proxy/abc/rest/V1/..%2Fx")]
    public void Paths_outside_rest_have_no_tail(string raw)
    {
        Assert.True(ProxyTarget.TryParse(raw, out ProxyTarget target));
        Assert.Null(target.RestTail);
    }

    [Fact]
    public void A_target_without_a_store_is_not_read() => Assert.False(ProxyTarget.TryParse("/proxy/", out _));
}
