using System.Net;
using MagentoOAuth.AspNetCore.Endpoints.Callback;
using MagentoOAuth.AspNetCore.Network;

namespace MagentoOAuth.AspNetCore.Tests.Hardening;

/// <summary>Every special-purpose range a store may not be in (IANA's registries), and addresses that embed one.</summary>
public sealed class ReservedAddressesTests
{
    [Theory]
    [InlineData("0.1.2.3", "this network")]
    [InlineData("10.20.30.40", "private use")]
    [InlineData("100.64.0.1", "shared address space")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("172.16.0.1", "private use")]
    [InlineData("172.31.255.255", "private use")]
    [InlineData("192.0.0.8", "IETF protocol assignments")]
    [InlineData("192.0.2.1", "documentation")]
    [InlineData("192.88.99.1", "6to4 relay")]
    [InlineData("192.168.1.1", "private use")]
    [InlineData("198.18.0.1", "benchmarking")]
    [InlineData("198.19.255.254", "benchmarking")]
    [InlineData("198.51.100.7", "documentation")]
    [InlineData("203.0.113.9", "documentation")]
    [InlineData("224.0.0.251", "multicast")]
    [InlineData("240.0.0.1", "reserved")]
    [InlineData("255.255.255.255", "reserved")]
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("::127.0.0.1", "IPv4-compatible")]
    [InlineData("::ffff:127.0.0.1", "loopback, inside IPv4-mapped")]
    [InlineData("::ffff:10.0.0.1", "private use, inside IPv4-mapped")]
    [InlineData("64:ff9b::10.0.0.1", "private use, inside NAT64")]
    [InlineData("64:ff9b::127.0.0.1", "loopback, inside NAT64")]
    [InlineData("64:ff9b:1::1", "local-use NAT64")]
    [InlineData("2002:7f00:1::1", "loopback, inside 6to4")]
    [InlineData("2002:c0a8:101::1", "private use, inside 6to4")]
    [InlineData("100::1", "discard-only")]
    [InlineData("2001::1", "IETF protocol assignments")]
    [InlineData("2001:db8::1", "documentation")]
    [InlineData("3fff::1", "documentation")]
    [InlineData("5f00::1", "segment routing")]
    [InlineData("fc00::1", "unique local")]
    [InlineData("fd12:3456::1", "unique local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fec0::1", "site-local")]
    [InlineData("ff02::1", "multicast")]
    public void Reserved_addresses_are_refused_naming_their_range(string address, string range)
    {
        string? found = ReservedAddresses.RangeOf(IPAddress.Parse(address));
        Assert.NotNull(found);
        Assert.Contains(range, found, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("198.20.0.1")]
    [InlineData("192.0.1.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    [InlineData("::ffff:8.8.8.8")]
    public void Globally_reachable_addresses_pass(string address) =>
        Assert.Null(ReservedAddresses.RangeOf(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://[::127.0.0.1]/", "IPv4-compatible")]
    [InlineData("http://[64:ff9b::a00:1]/", "NAT64")]
    [InlineData("http://[2002:7f00:1::1]/", "6to4")]
    [InlineData("http://198.18.0.1/", "benchmarking")]
    [InlineData("http://192.0.0.170/", "IETF protocol assignments")]
    public async Task The_callback_check_refuses_literal_addresses_in_reserved_ranges(string url, string range)
    {
        var (accepted, problem, _) = await StoreUrlGuard.CheckAsync(url, new MagentoIntegrationOptions(), new StoreAddressResolver(), default);
        Assert.Null(accepted);
        Assert.Contains(range, problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Port_zero_is_refused()
    {
        var (accepted, problem, _) = await StoreUrlGuard.CheckAsync("https://93.184.215.14:0/", new MagentoIntegrationOptions(), new StoreAddressResolver(), default);
        Assert.Null(accepted);
        Assert.Contains("port 0", problem, StringComparison.Ordinal);
    }
}
