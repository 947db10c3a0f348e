using System.Collections.Concurrent;
using MagentoOAuth.AspNetCore.Clients;

namespace MagentoOAuth.Operations.Proxy;

/// <summary>
/// The message invoker per store the forwarder sends through: the library's own per-store chain (current credentials,
/// resilience, revocation, profile fallback, signing, pooled connection), so proxied calls sign exactly as clients do
/// and follow a Reauthorize without restart. Rebuilt every two minutes, as IHttpClientFactory rotates its pooled
/// handlers (DNS changes are then seen).
/// </summary>
internal sealed class ProxyInvokers(MagentoClientFactory factory, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);
    private readonly ConcurrentDictionary<Guid, (HttpMessageInvoker Invoker, DateTimeOffset Until)> _invokers = new();

    public HttpMessageInvoker For(Guid connectionId)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (_invokers.TryGetValue(connectionId, out var entry) && entry.Until > now)
        {
            return entry.Invoker;
        }

        // The old invoker is left to finish its requests; its handlers hold no connections of their own.
        var invoker = new HttpMessageInvoker(factory.CreateHandler(connectionId, portableRequests: false), disposeHandler: false);
        _invokers[connectionId] = (invoker, now + Lifetime);
        return invoker;
    }
}
