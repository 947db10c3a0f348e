using System.Net;

namespace MagentoOAuth.AspNetCore.Network;

/// <summary>
/// Resolves store host names, for the callback's check and for every connection to a store. One service so both ask
/// the same way (and a test can stand in a resolver that changes its answer, as a rebinding attacker's DNS does).
/// </summary>
internal class StoreAddressResolver
{
    public virtual Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}
