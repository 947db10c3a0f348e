using System.Net;
using System.Net.Http.Headers;
using MagentoOAuth.AspNetCore.Health;

namespace MagentoOAuth.AspNetCore.Tests.Health;

public sealed class PeekedContentTests
{
    private static HttpResponseMessage Chunked(byte[] body) => new(HttpStatusCode.ServiceUnavailable)
    {
        // A stream of unknown length, as a chunked answer is: nothing can be read twice.
        Content = new StreamContent(new NonSeekableStream(body)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
    };

    [Fact]
    public async Task A_small_body_is_read_and_stays_readable_with_its_headers()
    {
        byte[] body = "{\"message\":\"Service down\"}"u8.ToArray();
        using HttpResponseMessage response = Chunked(body);

        byte[]? peeked = await PeekedContent.PeekAsync(response, 1024, default);

        Assert.Equal(body, peeked);
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_not_taken_the_caller_still_reads_all_of_it()
    {
        byte[] body = new byte[200_000];
        Random.Shared.NextBytes(body);
        using HttpResponseMessage response = Chunked(body);

        Assert.Null(await PeekedContent.PeekAsync(response, 64 * 1024, default));
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
    }

    private sealed class NonSeekableStream(byte[] body) : MemoryStream(body)
    {
        public override bool CanSeek => false;
    }
}
