using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Clients;

/// <summary>
/// The connection a request is signed for, set on <see cref="HttpRequestMessage.Options"/> by <see cref="ConnectionHandler"/>
/// and read by the signing and revocation handlers below it.
/// </summary>
internal static class ConnectionRequest
{
    public static readonly HttpRequestOptionsKey<StoreConnection> Option = new("MagentoOAuth.Connection");

    /// <summary>
    /// Set by a caller whose body is a stream that can be read only once (the proxy's): it is neither buffered nor sent
    /// again; an answer that would need a second send goes back to the caller as it came.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> StreamedBody = new("MagentoOAuth.StreamedBody");

    /// <summary>Whether the request may be sent again: it has no body, or one that may be buffered.</summary>
    public static bool CanResend(HttpRequestMessage request) =>
        request.Content is null || !(request.Options.TryGetValue(StreamedBody, out bool streamed) && streamed);

    // One OAuthCredentials per stored connection version: it keeps the HMAC key and context it builds, so a signed call
    // does not derive the key and create (and later finalize) a native HMAC context each time.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<StoreConnection, MagentoOAuth.Signing.OAuthCredentials> Credentials = new();

    /// <summary>The access credentials of the connection the request is signed for (kept per connection version).</summary>
    public static MagentoOAuth.Signing.OAuthCredentials CredentialsOf(HttpRequestMessage request) =>
        Credentials.GetValue(Of(request), c => c.AccessCredentials
            ?? throw new InvalidOperationException($"The connection {c.Id} has no access token."));

    public static StoreConnection Of(HttpRequestMessage request) =>
        request.Options.TryGetValue(Option, out StoreConnection? c) ? c : throw new InvalidOperationException("The request passed no ConnectionHandler.");

    /// <summary>
    /// Buffers the body once (a no-op when it is buffered already), so the request can be sent again without the caller's
    /// content being read twice or copied: a retry shares the one buffer through <see cref="SharedContent"/>.
    /// </summary>
    public static Task BufferAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        CanResend(request) ? request.Content?.LoadIntoBufferAsync(cancellationToken) ?? Task.CompletedTask : Task.CompletedTask;

    /// <summary>A copy of <paramref name="original"/> (its body shared, buffered by <see cref="BufferAsync"/>) without its signature, to send again.</summary>
    public static HttpRequestMessage Copy(HttpRequestMessage original)
    {
        var copy = new HttpRequestMessage(original.Method, original.RequestUri) { Version = original.Version, VersionPolicy = original.VersionPolicy };
        foreach (var header in original.Headers.Where(h => !string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase)))
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (original.Content is not null)
        {
            copy.Content = new SharedContent(original.Content);
            foreach (var header in original.Content.Headers)
            {
                copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        foreach (var option in original.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[option.Key] = option.Value;
        }

        return copy;
    }

    /// <summary>
    /// The original request's buffered body, sent again from the same buffer. Disposing the copy leaves the original to
    /// its owner (the caller disposes its own request).
    /// </summary>
    private sealed class SharedContent(HttpContent buffered) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => buffered.CopyToAsync(stream);

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken) =>
            buffered.CopyToAsync(stream, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = buffered.Headers.ContentLength ?? -1;
            return length >= 0;
        }
    }
}
