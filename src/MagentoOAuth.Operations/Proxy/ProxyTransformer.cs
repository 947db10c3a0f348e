using MagentoOAuth.AspNetCore.Clients;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace MagentoOAuth.Operations.Proxy;

/// <summary>
/// Turns the caller's request into the store's: the URL built from the raw target, the caller's credentials (the API
/// key) and cookies removed, the store's Host (which Magento signs). Headers, status and bodies otherwise pass as YARP
/// copies them, streamed.
/// </summary>
internal sealed class ProxyTransformer(Uri destination) : HttpTransformer
{
    /// <summary>A body up to this size with a known length is buffered, so it can be sent again after a refused signature or a Reauthorize mid-call; larger ones stream through once.</summary>
    public const long MaxResendableBody = 64 * 1024;

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        proxyRequest.RequestUri = destination;
        proxyRequest.Headers.Authorization = null;
        proxyRequest.Headers.ProxyAuthorization = null;
        proxyRequest.Headers.Remove("Cookie");
        proxyRequest.Headers.Host = destination.Authority;
        if (proxyRequest.Content is not null)
        {
            bool small = httpContext.Request.ContentLength is { } length && length <= MaxResendableBody;
            proxyRequest.Options.Set(ConnectionRequest.StreamedBody, !small);
        }
    }
}
