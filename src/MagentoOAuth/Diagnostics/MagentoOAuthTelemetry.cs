namespace MagentoOAuth.Diagnostics;

/// <summary>
/// The name of every <see cref="System.Diagnostics.Metrics.Meter"/> and <see cref="System.Diagnostics.ActivitySource"/>
/// of the MagentoOAuth libraries: listen to it (<c>AddMeter("MagentoOAuth")</c>, <c>AddSource("MagentoOAuth")</c>). No
/// instrument carries a secret, a token or a query value in a tag.
/// </summary>
public static class MagentoOAuthTelemetry
{
    /// <summary>"MagentoOAuth".</summary>
    public const string Name = "MagentoOAuth";
}
