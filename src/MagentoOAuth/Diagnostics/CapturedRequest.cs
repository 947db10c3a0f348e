namespace MagentoOAuth.Diagnostics;

/// <summary>
/// A request as some client sent it (any language, any library): the method, the URL, the headers and the body. Read one
/// from a curl command line (<see cref="FromCurl"/>) or raw HTTP/1.1 text (<see cref="FromHttp"/>), then check its
/// signature with <see cref="SignatureVerifier"/>.
/// </summary>
public sealed record CapturedRequest
{
    /// <summary>Creates a captured request.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="url">The absolute URL as sent, escapes as typed.</param>
    /// <param name="headers">The headers, in order; names compare case-insensitively.</param>
    /// <param name="body">The body as text, or <see langword="null"/>.</param>
    public CapturedRequest(string method, string url, IReadOnlyList<KeyValuePair<string, string>>? headers = null, string? body = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentException.ThrowIfNullOrEmpty(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new FormatException($"'{url}' is not an absolute http(s) URL.");
        }

        Method = method.ToUpperInvariant();
        Url = url;
        Uri = uri;
        Headers = headers ?? [];
        Body = body;
    }

    /// <summary>The HTTP method, upper-case.</summary>
    public string Method { get; }

    /// <summary>The URL exactly as captured (host case and escapes as the client typed them).</summary>
    public string Url { get; }

    /// <summary>The URL as .NET reads it.</summary>
    public Uri Uri { get; }

    /// <summary>The headers, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The body, or <see langword="null"/>.</summary>
    public string? Body { get; }

    /// <summary>The first header of that name, or <see langword="null"/>.</summary>
    /// <param name="name">A header name, any case.</param>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)) is { Key: not null } found ? found.Value : null;

    /// <summary>True when the body is <c>application/x-www-form-urlencoded</c>, the only kind OAuth signs.</summary>
    public bool HasFormBody =>
        Body is { Length: > 0 } && Header("Content-Type") is { } type && type.TrimStart().StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Reads a curl command line as browsers' "Copy as cURL" (bash) and Postman write it: quotes, <c>$'…'</c>, line
    /// continuations, <c>-X</c>, <c>-H</c>, <c>-d</c>/<c>--data-raw</c>/<c>--data-binary</c>/<c>--data-urlencode</c>,
    /// <c>-G</c>, <c>-u</c>, <c>--url</c>; options that do not change the request are skipped.
    /// </summary>
    /// <param name="commandLine">The command, starting with <c>curl</c>.</param>
    /// <exception cref="FormatException">It is not a curl command for one http(s) URL, with what is wrong.</exception>
    public static CapturedRequest FromCurl(string commandLine) => CurlCommand.Parse(commandLine);

    /// <summary>
    /// Reads raw HTTP/1.1 request text: the request line, headers, a blank line, the body. An origin-form target
    /// (<c>/rest/V1/…</c>) is joined to the <c>Host</c> header with <paramref name="scheme"/>.
    /// </summary>
    /// <param name="text">The request as captured (CRLF or LF line ends).</param>
    /// <param name="scheme"><c>https</c> (default) or <c>http</c>: the scheme the request was sent with, which HTTP text does not show.</param>
    /// <exception cref="FormatException">The text is not an HTTP request, with what is wrong.</exception>
    public static CapturedRequest FromHttp(string text, string scheme = "https") => RawHttpRequest.Parse(text, scheme);
}
