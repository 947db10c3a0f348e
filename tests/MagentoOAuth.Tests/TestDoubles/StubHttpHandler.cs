using System.Net;

namespace MagentoOAuth.Tests.TestDoubles;

/// <summary>
/// Answers only the requests it was told to expect (method and URL without query) and fails the test on any other.
/// Records each request with its body read, so tests can inspect what went on the wire.
/// </summary>
public sealed class StubHttpHandler : HttpMessageHandler
{
    private readonly Dictionary<string, Queue<Func<HttpRequestMessage, HttpResponseMessage>>> _routes = new(StringComparer.Ordinal);

    /// <summary>What arrived, copied at arrival: a retried request object is reused and its headers overwritten.</summary>
    public List<Captured> Received { get; } = [];

    public StubHttpHandler On(string method, string urlWithoutQuery, Func<HttpRequestMessage, HttpResponseMessage> respond)
    {
        string key = method + " " + urlWithoutQuery;
        if (!_routes.TryGetValue(key, out var queue))
        {
            _routes[key] = queue = new Queue<Func<HttpRequestMessage, HttpResponseMessage>>();
        }

        queue.Enqueue(respond);
        return this;
    }

    public StubHttpHandler On(string method, string urlWithoutQuery, HttpStatusCode status, string body, string contentType = "text/html; charset=UTF-8") =>
        On(method, urlWithoutQuery, _ => new HttpResponseMessage(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, MediaTypeOf(contentType)) });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string? body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Received.Add(new Captured(
            request.Method.Method,
            request.RequestUri!,
            request.Headers.TryGetValues("Authorization", out var values) ? string.Join(",", values) : null,
            body,
            request.Content?.Headers.ContentType?.ToString()));
        string key = request.Method.Method + " " + request.RequestUri!.GetLeftPart(UriPartial.Path);
        if (!_routes.TryGetValue(key, out var queue) || queue.Count == 0)
        {
            throw new InvalidOperationException($"Unexpected request: {key}");
        }

        HttpResponseMessage response = queue.Dequeue()(request);
        response.RequestMessage = request;
        return response;
    }

    public sealed record Captured(string Method, Uri Uri, string? Authorization, string? Body, string? ContentType);

    private static string MediaTypeOf(string contentType) => contentType.Split(';')[0];
}
