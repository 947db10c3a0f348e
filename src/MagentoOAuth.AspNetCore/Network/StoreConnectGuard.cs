using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.AspNetCore.Network;

/// <summary>
/// Checks every address a connection to a store would use, when the connection is made: the host is resolved here and
/// the socket connects only to the addresses checked, so a name that resolved to a public address at the callback
/// and to 127.0.0.1 later (DNS rebinding) never reaches an internal service. Off when private stores are allowed.
/// HTTP/3 would not go through a connect callback (QUIC opens its own sockets), so store clients stay on HTTP/1.1 and
/// HTTP/2 (<see cref="StoreHttpVersionHandler"/>).
/// </summary>
internal sealed class StoreConnectGuard(StoreAddressResolver resolver, IOptions<MagentoIntegrationOptions> options)
{
    /// <summary>Installs the check on the primary handler of a client that talks to stores.</summary>
    public void Apply(HttpMessageHandler handler)
    {
        if (options.Value.AllowPrivateStores)
        {
            return;
        }

        // Fail closed: a primary handler the check cannot hook into would connect anywhere.
        if (handler is not SocketsHttpHandler sockets)
        {
            throw new InvalidOperationException($"The HTTP client for Magento stores has a {handler.GetType().Name} as its primary handler; the address check " +
                "needs a SocketsHttpHandler. Leave the primary handler of the MagentoOAuth clients as it is, or allow private stores (a local Magento only).");
        }

        sockets.ConnectCallback = ConnectAsync;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        DnsEndPoint target = context.DnsEndPoint;

        // Through a proxy the connection goes to the proxy, which the operator configured; the store's own host is
        // then the proxy's to resolve (and was checked at the callback).
        // (HTTPS_PROXY in the environment is enough.) The store's host is still resolved and checked here, so a
        // rebound name is refused before the proxy is asked; the proxy may resolve it again, which only it controls.
        if (context.InitialRequestMessage.RequestUri is { } uri && !string.Equals(uri.IdnHost.Trim('[', ']'), target.Host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase))
        {
            Refuse(uri.IdnHost, await ResolveAsync(uri.IdnHost, cancellationToken));
            return await OpenAsync(await ResolveAsync(target.Host, cancellationToken), target.Port, cancellationToken);
        }

        IPAddress[] addresses = await ResolveAsync(target.Host, cancellationToken);
        Refuse(target.Host, addresses);
        return await OpenAsync(addresses, target.Port, cancellationToken);
    }

    private static void Refuse(string host, IPAddress[] addresses)
    {
        if (addresses.Length == 0)
        {
            throw new HttpRequestException(HttpRequestError.NameResolutionError, $"The store host {host} does not resolve.");
        }

        foreach (IPAddress address in addresses)
        {
            if (ReservedAddresses.RangeOf(address) is { } range)
            {
                throw new StoreAddressRefusedException(host, address, range);
            }
        }
    }

    private async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            return await resolver.AddressesOfAsync(host, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new HttpRequestException(HttpRequestError.NameResolutionError, $"The store host {host} does not resolve.", e);
        }
    }

    private static async Task<Stream> OpenAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>A store host resolved, at connect time, to an address in a reserved range: no connection was made.</summary>
internal sealed class StoreAddressRefusedException(string host, IPAddress address, string range)
    : HttpRequestException(HttpRequestError.ConnectionError, $"The store host {host} resolved to {address} ({range}) when connecting; no connection was made. Allow private stores only for a local Magento.")
{
    public string Host { get; } = host;

    /// <summary>The refusal in <paramref name="e"/> or its inner exceptions (the handler wraps what the connect callback throws).</summary>
    public static StoreAddressRefusedException? Find(Exception? e)
    {
        for (int depth = 0; e is not null && depth < 8; depth++, e = e.InnerException)
        {
            if (e is StoreAddressRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }
}

/// <summary>
/// Keeps requests to stores on HTTP/1.1 or HTTP/2: an app may ask for HTTP/3 (or "this version or higher", which lets a
/// store's Alt-Svc header move the connection to QUIC), and QUIC connections bypass <see cref="StoreConnectGuard"/>.
/// </summary>
internal sealed class StoreHttpVersionHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Version >= System.Net.HttpVersion.Version30)
        {
            request.Version = System.Net.HttpVersion.Version20;
        }

        request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        return base.SendAsync(request, cancellationToken);
    }
}
