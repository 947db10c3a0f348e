using MagentoOAuth.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MagentoOAuth.AspNetCore.Health.Checks;

/// <summary>The database answers a query that uses the stores table's index (one row at most).</summary>
internal sealed class StorageHealthCheck(IConnectionStore connections) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await connections.ListAsync(new ConnectionQuery { PageSize = 1 }, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The database answers.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The exception's type only: driver messages can hold the connection string.
            return HealthCheckResult.Unhealthy($"The database did not answer ({e.GetType().Name}).");
        }
    }
}
