using System.Net;
using System.Net.Sockets;

namespace MagentoOAuth.AspNetCore.Endpoints.Callback;

/// <summary>
/// Refuses store base URLs this server must not call: not http(s), with user info, query or fragment, outside the
/// allow-list, or resolving to loopback, private, link-local or unspecified addresses (a forged callback would otherwise
/// turn the exchange into a request to internal services).
/// </summary>
internal static class StoreUrlGuard
{
    public static async Task<(Uri? Url, string? Problem)> CheckAsync(string? text, MagentoIntegrationOptions options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 2048
            || !Uri.TryCreate(text, UriKind.Absolute, out Uri? url)
            || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            return (null, "store_base_url must be an absolute http(s) URL, like https://shop.example.com/.");
        }

        if (url.UserInfo.Length > 0 || url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            return (null, "store_base_url must have no user name, query or fragment.");
        }

        if (options.AllowedStoreHosts.Count > 0 && !options.AllowedStoreHosts.Any(h => Matches(url.IdnHost, h)))
        {
            return (null, $"The store host {url.IdnHost} is not in the allowed list.");
        }

        if (!options.AllowPrivateStores)
        {
            IPAddress[] addresses;
            if (IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out IPAddress? literal))
            {
                addresses = [literal];
            }
            else
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                try
                {
                    addresses = await Dns.GetHostAddressesAsync(url.IdnHost, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    return (null, $"The store host {url.IdnHost} does not resolve.");
                }
            }

            if (addresses.Length == 0 || addresses.Any(IsPrivate))
            {
                return (null, $"The store host {url.IdnHost} resolves to a loopback, private or link-local address; allow private stores to accept it.");
            }
        }

        return (url.AbsolutePath.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/"), null);
    }

    private static bool Matches(string host, string allowed) =>
        allowed.StartsWith('.')
            ? host.EndsWith(allowed, StringComparison.OrdinalIgnoreCase) || host.Equals(allowed[1..], StringComparison.OrdinalIgnoreCase)
            : host.Equals(allowed, StringComparison.OrdinalIgnoreCase);

    internal static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
        }

        byte[] b = address.GetAddressBytes();
        return b[0] == 10 || b[0] == 127 || b[0] == 0
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
            || b[0] >= 224;
    }
}
