using System.Net;
using System.Text;
using MagentoOAuth.Sandbox.Faults;

namespace MagentoOAuth.Sandbox.Tests;

public sealed class FaultTests : SandboxTestBase
{
    [Theory]
    [InlineData("access:error=503:0.5:20", "access", FaultKind.Error, 0.5, 503, 0, 20)]
    [InlineData("rest:slow=2000:1", "rest", FaultKind.Slow, 1.0, 500, 2000, null)]
    [InlineData("*:reset:0.25", "*", FaultKind.Reset, 0.25, 500, 0, null)]
    [InlineData("request:timeout:1:3", "request", FaultKind.Timeout, 1.0, 500, 0, 3)]
    public void Faults_parse_from_their_text_form(string text, string endpoint, FaultKind kind, double probability, int status, int delay, int? count)
    {
        SandboxFault fault = SandboxFault.Parse(text);
        Assert.Equal(new SandboxFault(endpoint, kind, probability, status, delay, count), fault);
        Assert.Equal(fault, SandboxFault.Parse(fault.ToString()));
    }

    [Theory]
    [InlineData("admin:error:1")]
    [InlineData("rest:explode:1")]
    [InlineData("rest:error:2")]
    [InlineData("rest:slow:1")]
    public void Bad_fault_text_is_refused_with_the_reason(string text) => Assert.Throws<FormatException>(() => SandboxFault.Parse(text));

    [Fact]
    public async Task Counted_errors_and_resets_hit_the_chosen_endpoint_and_then_stop()
    {
        var put = await Http.PutAsync(Url("sandbox/api/faults"), new StringContent("[\"request:error=503:1:2\", \"rest:reset:1:1\"]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var posted = await ActivatedAsync();

        Assert.Equal(503, (await PostTokenAsync("request", Header("request", Consumer(posted)))).Status);
        Assert.Equal(503, (await PostTokenAsync("request", Header("request", Consumer(posted)))).Status);
        Assert.Equal(200, (await PostTokenAsync("request", Header("request", Consumer(posted)))).Status);

        await Assert.ThrowsAsync<HttpRequestException>(() => Http.GetAsync(Url("rest/V1/store/websites")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.GetAsync(Url("rest/V1/store/websites"))).StatusCode);
        Assert.Equal("[]", await Http.GetStringAsync(Url("sandbox/api/faults")));
    }
}
