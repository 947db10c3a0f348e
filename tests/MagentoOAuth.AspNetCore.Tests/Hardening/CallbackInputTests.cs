using System.Net;

namespace MagentoOAuth.AspNetCore.Tests.Hardening;

/// <summary>Store base URLs the callback must refuse with a 400 (each found by the fuzz run or the address rules).</summary>
public sealed class CallbackInputTests
{
    [Theory]
    [InlineData("https://s\u079eop.example.com/")] // a Uri, but IDNA refuses the name: this was a 500
    [InlineData("http://shop.example.com:0/")]
    [InlineData("https://user@shop.example.com/")]
    [InlineData("https://shop.example.com/?q=1")]
    [InlineData("https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example/")] // longer than DNS allows: the real resolver throws ArgumentOutOfRangeException (found by review: a 500)
    public async Task A_store_base_url_that_cannot_be_called_is_400_and_nothing_is_stored(string storeBaseUrl)
    {
        await using EndpointHost host = await EndpointHost.StartAsync(exchange: false);
        using HttpResponseMessage response = await host.PostCallbackAsync(storeBaseUrl);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await host.Store.ListAsync(new MagentoOAuth.Storage.ConnectionQuery())).Items);
    }
}
