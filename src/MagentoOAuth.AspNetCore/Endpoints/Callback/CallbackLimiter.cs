using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.AspNetCore.Endpoints.Callback;

/// <summary>
/// Limits how many callbacks are accepted per client address and in total (<see cref="MagentoIntegrationOptions.CallbackLimitPerAddress"/>,
/// <see cref="MagentoIntegrationOptions.CallbackLimitTotal"/>): token buckets from System.Threading.RateLimiting, the
/// limiters ASP.NET Core's rate-limiting middleware is built on, applied by the endpoint itself so that an app cannot
/// map the callback and forget <c>UseRateLimiter()</c>. Idle per-address buckets are dropped by the limiter.
/// </summary>
internal sealed class CallbackLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress?>? _limiter;
    private readonly TimeSpan _fallbackRetryAfter;

    public CallbackLimiter(IOptions<MagentoIntegrationOptions> options)
    {
        MagentoIntegrationOptions o = options.Value;
        var limiters = new List<PartitionedRateLimiter<IPAddress?>>();
        if (o.CallbackLimitPerAddress > 0)
        {
            limiters.Add(PartitionedRateLimiter.Create<IPAddress?, string>(address => RateLimitPartition.GetTokenBucketLimiter(PartitionOf(address), _ => Bucket(o.CallbackLimitPerAddress))));
        }

        if (o.CallbackLimitTotal > 0)
        {
            limiters.Add(PartitionedRateLimiter.Create<IPAddress?, string>(_ => RateLimitPartition.GetTokenBucketLimiter(string.Empty, _ => Bucket(o.CallbackLimitTotal))));
        }

        _limiter = limiters.Count switch
        {
            0 => null,
            1 => limiters[0],
            _ => PartitionedRateLimiter.CreateChained([.. limiters]),
        };
        int slowest = Math.Min(o.CallbackLimitPerAddress > 0 ? o.CallbackLimitPerAddress : int.MaxValue, o.CallbackLimitTotal > 0 ? o.CallbackLimitTotal : int.MaxValue);
        _fallbackRetryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(60.0 / Math.Max(1, Math.Min(slowest, 60)))));
    }

    /// <summary>Takes one callback's worth from the buckets of <paramref name="client"/>; null if allowed, else how long to wait.</summary>
    public TimeSpan? TryAcquire(IPAddress? client)
    {
        if (_limiter is null)
        {
            return null;
        }

        using RateLimitLease lease = _limiter.AttemptAcquire(client);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : _fallbackRetryAfter;
    }

    public void Dispose() => _limiter?.Dispose();

    /// <summary>
    /// An IPv4 address counts alone; an IPv6 address by its /64, the block one subscriber gets, so rotating through
    /// addresses of one network does not multiply the allowance.
    /// </summary>
    internal static string PartitionOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        byte[] bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    // Refilled steadily (not a window that resets), full at a minute's worth: a burst of one minute's allowance, then
    // the rate, exactly: k tokens every 60·k/perMinute seconds, k chosen so the period is at least 100 ms (the
    // partitioned limiter's replenishment tick).
    private static TokenBucketRateLimiterOptions Bucket(int perMinute)
    {
        int tokens = Math.Max(1, (int)Math.Ceiling(perMinute / 600.0));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = TimeSpan.FromSeconds(60.0 * tokens / perMinute),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }
}
