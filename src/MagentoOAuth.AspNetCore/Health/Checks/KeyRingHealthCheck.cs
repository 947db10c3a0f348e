using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MagentoOAuth.AspNetCore.Health.Checks;

/// <summary>
/// The Data Protection key ring (which signs the identity page's antiforgery tokens, stored encrypted in the shared
/// database) can be read and used: a value protected now is read back.
/// </summary>
internal sealed class KeyRingHealthCheck(IDataProtectionProvider provider) : IHealthCheck
{
    private static readonly byte[] Probe = "magento-oauth health"u8.ToArray();

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            IDataProtector protector = provider.CreateProtector("MagentoOAuth.Health.v1");
            bool same = protector.Unprotect(protector.Protect(Probe)).AsSpan().SequenceEqual(Probe);
            return Task.FromResult(same ? HealthCheckResult.Healthy("The key ring is readable.") : HealthCheckResult.Unhealthy("The key ring gave back another value."));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The key ring cannot be used ({e.GetType().Name}): check the encryption key and the database."));
        }
    }
}
