using System.Diagnostics.Metrics;
using MagentoOAuth.Diagnostics;

namespace MagentoOAuth.Operations.Proxy;

/// <summary>The proxy's latency, by status class only (no store URL, path, query or key in any tag).</summary>
internal sealed class ProxyMetrics
{
    public const string DurationName = "magento_oauth.proxy.duration";

    private static readonly string[] Classes = ["1xx", "2xx", "3xx", "4xx", "5xx"];
    private readonly Histogram<double> _duration;

    public ProxyMetrics(IMeterFactory meters)
    {
        Meter meter = meters.Create(MagentoOAuthTelemetry.Name);
        _duration = meter.CreateHistogram<double>(DurationName, "s", "Time the signing proxy took to answer a call, refusals included.");
    }

    public void Record(int status, double seconds) =>
        _duration.Record(seconds, new KeyValuePair<string, object?>("http.response.status_class", Classes[Math.Clamp(status / 100, 1, 5) - 1]));
}
