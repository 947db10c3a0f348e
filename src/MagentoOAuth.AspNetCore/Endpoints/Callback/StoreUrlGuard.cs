using System.Net;
using System.Net.Sockets;
using MagentoOAuth.AspNetCore.Network;

namespace MagentoOAuth.AspNetCore.Endpoints.Callback;

/// <summary>
/// Refuses store base URLs this server must not call: not http(s), port 0, with user info, query or fragment, outside
/// the allow-list, or resolving to an address in a reserved range (<see cref="ReservedAddresses"/>): a forged callback
/// would otherwise turn the exchange into a request to internal services. The same check runs again on every
/// connection (<see cref="StoreConnectGuard"/>), since a name may resolve elsewhere later.
/// </summary>
internal static class StoreUrlGuard
{
    /// <summary>
    /// The store base URL to use (ending in '/'), or why it is refused; and the addresses its host resolved to (empty
    /// when private stores are allowed and the name does not resolve), so the callback can tell whether it came from the store.
    /// </summary>
    public static async Task<(Uri? Url, string? Problem, IPAddress[] Addresses)> CheckAsync(string? text, MagentoIntegrationOptions options, StoreAddressResolver resolver, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 2048
            || !Uri.TryCreate(text, UriKind.Absolute, out Uri? url)
            || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            return (null, "store_base_url must be an absolute http(s) URL, like https://shop.example.com/.", []);
        }

        if (StoreAddressResolver.AsciiHostOf(url) is null)
        {
            return (null, "store_base_url has a host name that is not a valid domain name.", []);
        }

        if (url.IdnHost.Length > 253)
        {
            // DNS names end at 253 characters; the resolver throws (not a "does not resolve") on longer ones.
            return (null, "store_base_url has a host name longer than DNS allows (253 characters).", []);
        }

        if (url.UserInfo.Length > 0 || url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            return (null, "store_base_url must have no user name, query or fragment.", []);
        }

        if (url.Port == 0)
        {
            return (null, "store_base_url has port 0, which no store listens on.", []);
        }

        if (options.AllowedStoreHosts.Count > 0 && !options.AllowedStoreHosts.Any(h => Matches(url.IdnHost, h)))
        {
            return (null, $"The store host {url.IdnHost} is not in the allowed list.", []);
        }

        IPAddress[] addresses;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                addresses = await resolver.AddressesOfAsync(url.IdnHost, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                addresses = [];
            }
        }

        if (!options.AllowPrivateStores)
        {
            if (addresses.Length == 0)
            {
                return (null, $"The store host {url.IdnHost} does not resolve.", []);
            }

            foreach (IPAddress address in addresses)
            {
                if (ReservedAddresses.RangeOf(address) is { } range)
                {
                    return (null, $"The store host {url.IdnHost} resolves to {address}, a {range} address; allow private stores to accept it.", []);
                }
            }
        }

        return (url.AbsolutePath.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/"), null, addresses);
    }

    private static bool Matches(string host, string allowed) =>
        allowed.StartsWith('.')
            ? host.EndsWith(allowed, StringComparison.OrdinalIgnoreCase) || host.Equals(allowed[1..], StringComparison.OrdinalIgnoreCase)
            : host.Equals(allowed, StringComparison.OrdinalIgnoreCase);
}
