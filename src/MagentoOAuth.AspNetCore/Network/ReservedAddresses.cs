using System.Net;
using System.Net.Sockets;

namespace MagentoOAuth.AspNetCore.Network;

/// <summary>
/// The addresses a store may not have unless private stores are allowed: IANA's IPv4 and IPv6 special-purpose address
/// registries (RFC 6890 and later), the entries that are not globally reachable, plus multicast and the reserved
/// 240.0.0.0/4. Addresses that embed an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged by the
/// IPv4 address inside, so a private host cannot hide behind an IPv6 spelling.
/// </summary>
internal static class ReservedAddresses
{
    private static readonly Range[] V4 =
    [
        new("0.0.0.0", 8, "this network"),
        new("10.0.0.0", 8, "private use"),
        new("100.64.0.0", 10, "shared address space (carrier-grade NAT)"),
        new("127.0.0.0", 8, "loopback"),
        new("169.254.0.0", 16, "link-local"),
        new("172.16.0.0", 12, "private use"),
        new("192.0.0.0", 24, "IETF protocol assignments"),
        new("192.0.2.0", 24, "documentation (TEST-NET-1)"),
        new("192.88.99.0", 24, "6to4 relay anycast (deprecated)"),
        new("192.168.0.0", 16, "private use"),
        new("198.18.0.0", 15, "benchmarking"),
        new("198.51.100.0", 24, "documentation (TEST-NET-2)"),
        new("203.0.113.0", 24, "documentation (TEST-NET-3)"),
        new("224.0.0.0", 4, "multicast"),
        new("240.0.0.0", 4, "reserved (and limited broadcast)"),
    ];

    private static readonly Range[] V6 =
    [
        new("::", 128, "unspecified"),
        new("::1", 128, "loopback"),
        new("100::", 64, "discard-only"),
        new("64:ff9b:1::", 48, "local-use NAT64"),
        new("2001::", 23, "IETF protocol assignments (Teredo, benchmarking, ORCHID)"),
        new("2001:db8::", 32, "documentation"),
        new("3fff::", 20, "documentation"),
        new("5f00::", 16, "segment routing (SRv6) SIDs"),
        new("fc00::", 7, "unique local"),
        new("fe80::", 10, "link-local"),
        new("fec0::", 10, "site-local (deprecated)"),
        new("ff00::", 8, "multicast"),
    ];

    // Prefixes whose addresses carry an IPv4 address, with where it sits: judged by that address.
    private static readonly (Range Prefix, int Offset)[] Embedding =
    [
        (new("::ffff:0:0", 96, "IPv4-mapped"), 12),
        (new("64:ff9b::", 96, "NAT64"), 12),
        (new("2002::", 16, "6to4"), 2),
    ];

    private static readonly Range Compatible = new("::", 96, "IPv4-compatible (deprecated)");

    /// <summary>The name of the reserved range <paramref name="address"/> is in, or null for a globally reachable address.</summary>
    public static string? RangeOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return Find(V4, address.GetAddressBytes());
        }

        byte[] bytes = address.GetAddressBytes();
        foreach (var (prefix, offset) in Embedding)
        {
            if (prefix.Contains(bytes))
            {
                byte[] inner = bytes.AsSpan(offset, 4).ToArray();
                return Find(V4, inner) is { } range ? $"{range}, inside {prefix.Name} {new IPAddress(inner)}" : null;
            }
        }

        // ::/96 holds the unspecified and loopback addresses (checked first) and the deprecated IPv4-compatible form,
        // which nothing routes today: all of it is refused.
        return Find(V6, bytes) ?? (Compatible.Contains(bytes) ? Compatible.Name : null);
    }

    private static string? Find(Range[] ranges, byte[] bytes)
    {
        foreach (Range range in ranges)
        {
            if (range.Contains(bytes))
            {
                return range.Name;
            }
        }

        return null;
    }

    private sealed class Range(string network, int prefixLength, string name)
    {
        private readonly byte[] _network = IPAddress.Parse(network).GetAddressBytes();

        public string Name { get; } = name;

        public bool Contains(byte[] address)
        {
            if (address.Length != _network.Length)
            {
                return false;
            }

            int full = prefixLength / 8;
            if (!address.AsSpan(0, full).SequenceEqual(_network.AsSpan(0, full)))
            {
                return false;
            }

            int rest = prefixLength % 8;
            if (rest == 0)
            {
                return true;
            }

            int mask = 0xFF << (8 - rest) & 0xFF;
            return (address[full] & mask) == (_network[full] & mask);
        }
    }
}
