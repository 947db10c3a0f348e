using MagentoOAuth.Diagnostics;
using MagentoOAuth.Operations.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MagentoOAuth.Operations.Telemetry;

/// <summary>
/// Exports the libraries' meter and source (<see cref="MagentoOAuthTelemetry.Name"/>) with OpenTelemetry: <c>GET /metrics</c>
/// in Prometheus text on the admin listener (an admin key required), and OTLP over HTTP/protobuf to
/// <see cref="MagentoOperationsOptions.OtlpEndpoint"/> when one is set. The framework's own HTTP server and client
/// meters come along (they need no package); their spans do not, as their tags can carry a request's query.
/// </summary>
internal static class TelemetryFeature
{
    public const string MetricsPath = "/metrics";

    /// <summary>Meters built into ASP.NET Core and .NET: request durations, connections, outgoing calls.</summary>
    internal static readonly string[] FrameworkMeters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http"];

    public static void AddServices(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MagentoOperationsOptions>, TelemetryOptionsValidator>());
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("magento-oauth"))
            .WithMetrics(metrics => metrics.AddMeter(MagentoOAuthTelemetry.Name).AddMeter(FrameworkMeters).AddPrometheusExporter())
            .WithTracing(tracing => tracing.AddSource(MagentoOAuthTelemetry.Name));

        // OTLP only when an endpoint is configured, which the options tell once the container is built.
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            if (OtlpOptions(provider, "v1/metrics") is { } otlp)
            {
                metrics.AddReader(new PeriodicExportingMetricReader(new OtlpMetricExporter(otlp), ExportInterval(provider)));
            }
        });
        services.ConfigureOpenTelemetryTracerProvider((provider, tracing) =>
        {
            if (OtlpOptions(provider, "v1/traces") is { } otlp)
            {
                tracing.AddProcessor(new BatchActivityExportProcessor(new OtlpTraceExporter(otlp)));
            }
            else
            {
                // Nothing exports spans: none are made (StartActivity returns null), which keeps a proxied call cheap.
                tracing.SetSampler(new AlwaysOffSampler());
            }
        });
    }

    public static void Map(RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        // The admin policy's requirement (an admin key), by Bearer only: Prometheus sends "Authorization: Bearer KEY"
        // (its scrape config's authorization.credentials_file), and a scraper answered 401 must not also be redirected
        // to the dashboard's sign-in page (the admin policy's cookie scheme would try to, after the 401 was written).
        admin.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(policy => policy
            .AddAuthenticationSchemes(MagentoAdminDefaults.ApiKeyScheme)
            .RequireClaim(ApiKeyClaims.Scope, "admin"));
    }

    /// <summary>
    /// The exporter's options for one signal: set in code, an HTTP/protobuf endpoint is used as given, so the signal's
    /// path (<c>v1/metrics</c>, <c>v1/traces</c>) is added to the collector's base URL here.
    /// </summary>
    private static OtlpExporterOptions? OtlpOptions(IServiceProvider provider, string signalPath)
    {
        Uri? endpoint = provider.GetRequiredService<IOptions<MagentoOperationsOptions>>().Value.OtlpEndpoint;
        if (endpoint is null)
        {
            return null;
        }

        string baseUrl = endpoint.AbsoluteUri.EndsWith('/') ? endpoint.AbsoluteUri : endpoint.AbsoluteUri + "/";
        return new OtlpExporterOptions { Endpoint = new Uri(new Uri(baseUrl), signalPath), Protocol = OtlpExportProtocol.HttpProtobuf };
    }

    private static int ExportInterval(IServiceProvider provider) =>
        (int)provider.GetRequiredService<IOptions<MagentoOperationsOptions>>().Value.OtlpExportInterval.TotalMilliseconds;
}
