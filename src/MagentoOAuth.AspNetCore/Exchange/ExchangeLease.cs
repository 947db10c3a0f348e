using MagentoOAuth.Storage;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.AspNetCore.Exchange;

/// <summary>
/// This instance's leases on exchanges (<see cref="IExchangeLeaseStore"/>): claimed before each step, renewed every
/// third of the lease while the step runs; when an instance dies its leases run out and another instance takes over.
/// </summary>
internal sealed class ExchangeLease(IExchangeLeaseStore leases, IOptions<MagentoIntegrationOptions> options, TimeProvider time)
{
    private readonly MagentoIntegrationOptions _options = options.Value;

    public Task<bool> ClaimAsync(Guid id, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        return leases.TryClaimAsync(id, _options.InstanceId, now, now + _options.ClaimLease, cancellationToken);
    }

    public Task ReleaseAsync(Guid id) => leases.ReleaseAsync(id, _options.InstanceId, CancellationToken.None);

    /// <summary>
    /// Renews the claim until <paramref name="hold"/> is cancelled. Returns true, after cancelling <paramref name="hold"/>,
    /// if the claim was lost to another instance (this one stalled past the lease).
    /// </summary>
    public async Task<bool> HoldAsync(Guid id, CancellationTokenSource hold)
    {
        try
        {
            while (!hold.IsCancellationRequested)
            {
                await Task.Delay(_options.ClaimLease / 3, time, hold.Token);
                if (!await ClaimAsync(id, hold.Token))
                {
                    await hold.CancelAsync();
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return false;
    }
}
