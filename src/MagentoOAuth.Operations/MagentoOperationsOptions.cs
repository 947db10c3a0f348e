namespace MagentoOAuth.Operations;

/// <summary>Options of the admin listener's features (validated at start).</summary>
public sealed class MagentoOperationsOptions
{
    /// <summary>The admin listener's port: admin endpoints answer only on it, the public endpoint never on it. 0 before <c>serve</c> sets it.</summary>
    public int AdminPort { get; set; }

    /// <summary>
    /// An OpenTelemetry collector's OTLP/HTTP base URL (e.g. <c>http://collector:4318/</c>): metrics go to
    /// <c>v1/metrics</c> and traces to <c>v1/traces</c> under it. Null (the default) exports nothing by OTLP.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>How often metrics are pushed to <see cref="OtlpEndpoint"/> (between 1 s and 10 minutes; 15 s by default).</summary>
    public TimeSpan OtlpExportInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a key that checked out is taken as valid without reading the database again (default 5 s; zero reads
    /// it on every request). A key revoked on another instance is refused within this time.
    /// </summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(5);
}
