using MagentoOAuth.AspNetCore.Exchange;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.AspNetCore.Health.Checks;

/// <summary>The exchange worker runs and scans: a stopped worker would leave every new activation to expire unexchanged.</summary>
internal sealed class ExchangeWorkerHealthCheck(ExchangeWorker worker, IOptions<MagentoIntegrationOptions> options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (worker.ExecuteTask is null)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The exchange worker has not started."));
        }

        if (worker.ExecuteTask.IsCompleted)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The exchange worker has stopped: new activations are not exchanged. Restart the process; its log says why."));
        }

        // A scan that is late by several intervals means the worker is stuck (a scan waits on the database at most).
        TimeSpan allowed = TimeSpan.FromTicks(Math.Max(options.Value.ScanInterval.Ticks * 3, TimeSpan.FromSeconds(30).Ticks));
        DateTimeOffset? last = worker.LastScan;
        return Task.FromResult(last is { } at && time.GetUtcNow() - at > allowed
            ? HealthCheckResult.Unhealthy($"The exchange worker last scanned {(time.GetUtcNow() - at).TotalSeconds:0} s ago (expected every {options.Value.ScanInterval.TotalSeconds:0.#} s).")
            : HealthCheckResult.Healthy(last is null ? "The exchange worker is starting." : "The exchange worker runs."));
    }
}
