using System.Net;
using System.Net.Sockets;

namespace MagentoOAuth.AspNetCore.Network;

/// <summary>
/// Resolves store host names, for the callback's check and for every connection to a store. One service so both ask
/// the same way (and a test can stand in a resolver that changes its answer, as a rebinding attacker's DNS does).
/// </summary>
internal class StoreAddressResolver
{
    public virtual Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);

    /// <summary>
    /// The addresses of a store host as both checks need them: an IP literal (brackets allowed) is its own address;
    /// a name is resolved, and a name DNS cannot hold (the resolver throws <see cref="ArgumentException"/>) is reported
    /// as not found.
    /// </summary>
    /// <exception cref="SocketException">The name does not resolve.</exception>
    public async Task<IPAddress[]> AddressesOfAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? literal))
        {
            return [literal];
        }

        try
        {
            return await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }
    }

    /// <summary>
    /// The host of <paramref name="url"/> in ASCII (punycode), or null: a name IDNA refuses parses as a <see cref="Uri"/>
    /// but throws when its ASCII form is asked for.
    /// </summary>
    public static string? AsciiHostOf(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        try
        {
            return url.IdnHost;
        }
        catch (UriFormatException)
        {
            return null;
        }
    }
}
