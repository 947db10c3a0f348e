using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Clients;

/// <summary>
/// The connection a request is signed for, set on <see cref="HttpRequestMessage.Options"/> by <see cref="ConnectionHandler"/>
/// and read by the signing and revocation handlers below it.
/// </summary>
internal static class ConnectionRequest
{
    public static readonly HttpRequestOptionsKey<StoreConnection> Option = new("MagentoOAuth.Connection");

    public static StoreConnection Of(HttpRequestMessage request) =>
        request.Options.TryGetValue(Option, out StoreConnection? c) ? c : throw new InvalidOperationException("The request passed no ConnectionHandler.");

    /// <summary>A copy of <paramref name="original"/> (body from <paramref name="body"/>) without its signature, to send again.</summary>
    public static HttpRequestMessage Copy(HttpRequestMessage original, byte[]? body)
    {
        var copy = new HttpRequestMessage(original.Method, original.RequestUri) { Version = original.Version, VersionPolicy = original.VersionPolicy };
        foreach (var header in original.Headers.Where(h => !string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase)))
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (body is not null)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (var header in original.Content!.Headers)
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
}
