using MagentoOAuth.AspNetCore.Health.Checks;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the integration's health checks.</summary>
public static class MagentoHealthCheckExtensions
{
    /// <summary>The tag of the checks <c>AddMagentoIntegration</c> registers: database, key-ring, exchange-worker.</summary>
    public const string Tag = "magento-oauth";

    /// <summary>
    /// Maps <paramref name="pattern"/> to the integration's checks (the database answers, the Data Protection key ring is
    /// usable, the exchange worker runs): 200 with JSON when healthy, 503 when not. Anonymous: it shows no data.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="pattern">The path, <c>/healthz</c> by default.</param>
    public static IEndpointConventionBuilder MapMagentoHealthChecks(this IEndpointRouteBuilder endpoints, string pattern = "/healthz")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapHealthChecks(pattern, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Tag),
            ResponseWriter = HealthReportWriter.WriteAsync,
            ResultStatusCodes = { [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded] = StatusCodes.Status200OK },
        }).AllowAnonymous().DisableHttpMetrics();
    }
}
