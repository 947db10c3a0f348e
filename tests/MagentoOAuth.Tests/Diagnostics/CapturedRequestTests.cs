using MagentoOAuth.Diagnostics;

namespace MagentoOAuth.Tests.Diagnostics;

/// <summary>Requests as users paste them: browsers' and Postman's "Copy as cURL", raw HTTP text.</summary>
public sealed class CapturedRequestTests
{
    [Fact]
    public void Reads_a_browser_copy_as_curl_with_continuations_and_ansi_quotes()
    {
        const string command = "curl 'https://shop.example.com/rest/V1/products?searchCriteria%5BpageSize%5D=5' \\\n" +
            "  -H 'accept: application/json' \\\n" +
            "  -H $'Authorization: OAuth oauth_consumer_key=\"k\", oauth_nonce=\"it\\'s\"' \\\n" +
            "  --compressed";
        CapturedRequest request = CapturedRequest.FromCurl(command);

        Assert.Equal("GET", request.Method);
        Assert.Equal("https://shop.example.com/rest/V1/products?searchCriteria%5BpageSize%5D=5", request.Url);
        Assert.Equal("OAuth oauth_consumer_key=\"k\", oauth_nonce=\"it's\"", request.Header("authorization"));
        Assert.Null(request.Body);
    }

    [Fact]
    public void Reads_a_postman_curl_with_a_json_body()
    {
        const string command = "curl --location --request PUT 'https://shop.example.com/rest/default/V1/products/abc' \\\n" +
            "--header 'Content-Type: application/json' \\\n--header 'Authorization: OAuth oauth_consumer_key=\"k\"' \\\n" +
            "--data '{\"product\":{\"price\":5}}'";
        CapturedRequest request = CapturedRequest.FromCurl(command);

        Assert.Equal("PUT", request.Method);
        Assert.Equal("{\"product\":{\"price\":5}}", request.Body);
        Assert.False(request.HasFormBody);
    }

    [Fact]
    public void Data_without_a_content_type_is_a_form_post_as_curl_sends_it()
    {
        CapturedRequest request = CapturedRequest.FromCurl("curl -d 'a=1' -d b=2 \"https://shop.example.com/rest/V1/x\"");

        Assert.Equal("POST", request.Method);
        Assert.Equal("a=1&b=2", request.Body);
        Assert.True(request.HasFormBody);
        Assert.Equal("application/x-www-form-urlencoded", request.Header("Content-Type"));
    }

    [Fact]
    public void Get_moves_data_into_the_query()
    {
        CapturedRequest request = CapturedRequest.FromCurl("curl -G https://shop.example.com/rest/V1/x --data-urlencode 'q=red shirt' -sS");

        Assert.Equal("GET", request.Method);
        Assert.Equal("https://shop.example.com/rest/V1/x?q=red%20shirt", request.Url);
        Assert.Null(request.Body);
    }

    [Theory]
    [InlineData("wget https://shop.example.com/", "must start with 'curl'")]
    [InlineData("curl -H 'Accept: x'", "no URL")]
    [InlineData("curl 'https://shop.example.com/", "not closed")]
    [InlineData("curl -d @body.json https://shop.example.com/", "from a file")]
    [InlineData("curl --frobnicate https://shop.example.com/", "--frobnicate")]
    [InlineData("curl \"https://shop.example.com/$PATH\"", "shell variable")]
    [InlineData("curl ftp://shop.example.com/", "http(s)")]
    public void Refuses_what_it_cannot_read_with_a_reason(string command, string reason)
    {
        FormatException error = Assert.Throws<FormatException>(() => CapturedRequest.FromCurl(command));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_raw_http_with_an_origin_form_target()
    {
        const string text = "POST /index.php/rest/V1/x?a=1 HTTP/1.1\r\nHost: Shop.Example.com\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
            "Authorization: OAuth oauth_consumer_key=\"k\"\r\n\r\nname=b";
        CapturedRequest request = CapturedRequest.FromHttp(text);

        Assert.Equal("https://Shop.Example.com/index.php/rest/V1/x?a=1", request.Url);
        Assert.Equal("name=b", request.Body);
        Assert.True(request.HasFormBody);
        Assert.Equal("http://shop.example.com/index.php/rest/V1/x?a=1", CapturedRequest.FromHttp(text.Replace("\r\n", "\n", StringComparison.Ordinal), "http").Uri.AbsoluteUri);
    }

    [Theory]
    [InlineData("POST /x HTTP/1.1\nHost: h\nContent-Length: 3\n\na=1\n", "a=1")]
    [InlineData("POST /x HTTP/1.1\nHost: h\n\na=1\n", "a=1")]
    [InlineData("POST /x HTTP/1.1\nHost: h\nContent-Length: 0\n\n\n", null)]
    public void The_body_is_what_was_sent_not_what_an_editor_appended(string text, string? body) =>
        Assert.Equal(body, CapturedRequest.FromHttp(text).Body);

    [Fact]
    public void Curl_sends_inline_data_with_its_line_breaks() =>
        Assert.Equal("a=1\nb=2", CapturedRequest.FromCurl("curl https://h/ --data $'a=1\\nb=2'").Body);

    [Theory]
    [InlineData("GET /x\n\n", "METHOD TARGET HTTP/1.1")]
    [InlineData("GET /x HTTP/1.1\n\n", "Host header")]
    [InlineData("GET /x HTTP/1.1\nnot a header\n\n", "not a header line")]
    public void Refuses_broken_http_text(string text, string reason)
    {
        FormatException error = Assert.Throws<FormatException>(() => CapturedRequest.FromHttp(text));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
