using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Errors;

namespace MagentoOAuth.AspNetCore.Health;

/// <summary>
/// What counts as a store failure, and how it is told: 5xx and 401/403 (Magento refused the credentials or the ACL),
/// timeouts and connection errors. Other 4xx (400, 404, 429…) are answers about the request, not about the store.
/// The text is Magento's message when it gave one, cleaned and capped, without the connection's key or token.
/// </summary>
internal static class CallFailure
{
    public const int MaxText = StoreText.MaxReason;

    public static bool IsFailure(int status) => status >= 500 || status is 401 or 403;

    /// <summary>Magento's message (JSON <c>message</c>, or <c>oauth_problem</c>), read as the library's error parser reads it.</summary>
    public static async Task<string> DescribeAsync(HttpResponseMessage response, IReadOnlyList<string?> secrets, CancellationToken cancellationToken)
    {
        int status = (int)response.StatusCode;
        string? said = null;
        // Read only when it fits: a longer answer (chunked, or an HTML error page) keeps its body for the caller, unread.
        if (response.Content.Headers.ContentLength is not > MagentoErrorParser.MaxBodyBytes
            && await PeekedContent.PeekAsync(response, MagentoErrorParser.MaxBodyBytes, cancellationToken).ConfigureAwait(false) is not null)
        {
            MagentoOAuthException error = await MagentoErrorParser.ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
            said = string.IsNullOrWhiteSpace(error.MagentoMessage) ? error.Cause : error.MagentoMessage;
        }

        return Clean($"HTTP {status}: {said ?? response.ReasonPhrase ?? "no message"}", secrets);
    }

    /// <summary>A call that got no answer: the kind of failure and the transport's words (which name host and port, never a query).</summary>
    public static string Describe(Exception exception, IReadOnlyList<string?> secrets) => exception switch
    {
        HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } e => Clean($"No answer ({e.HttpRequestError}): {WithoutQuery(e.Message)}", secrets),
        TimeoutException or OperationCanceledException => "No answer: the call timed out.",
        _ => Clean($"No answer: {WithoutQuery(exception.Message)}", secrets),
    };

    public static string TimedOut(TimeSpan timeout) => $"No answer within {timeout.TotalSeconds:0.#} s: the call timed out.";

    private static string WithoutQuery(string text)
    {
        // A transport message naming a URL must not carry its query values.
        int query = text.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return text;
        }

        int end = text.IndexOfAny([' ', ')', '\'', '"'], query);
        return text[..query] + (end < 0 ? string.Empty : text[end..]);
    }

    private static string Clean(string text, IReadOnlyList<string?> secrets)
    {
        // A hostile store can echo what it was sent; the key and token it was sent never go into health.
        foreach (string? secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(secret, "…", StringComparison.Ordinal);
            }
        }

        return StoreText.Clean(text, MaxText)!;
    }
}
