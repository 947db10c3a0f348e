using Microsoft.Extensions.Options;

namespace MagentoOAuth.Operations.Telemetry;

/// <summary>The OTLP options: an absolute http(s) URL without a query, an export interval between 1 s and 10 min.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<MagentoOperationsOptions>
{
    public ValidateOptionsResult Validate(string? name, MagentoOperationsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.OtlpEndpoint is { } endpoint
            && (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(endpoint.Query) || !string.IsNullOrEmpty(endpoint.Fragment)))
        {
            // The URL is not repeated: it could hold credentials.
            failures.Add("MagentoOperationsOptions.OtlpEndpoint must be an absolute http:// or https:// URL without a query, e.g. http://collector:4318/.");
        }

        if (options.OtlpExportInterval < TimeSpan.FromSeconds(1) || options.OtlpExportInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"MagentoOperationsOptions.OtlpExportInterval must be between 1 s and 10 minutes (it is {options.OtlpExportInterval}).");
        }

        if (options.KeyCacheDuration < TimeSpan.Zero || options.KeyCacheDuration > TimeSpan.FromMinutes(5))
        {
            failures.Add($"MagentoOperationsOptions.KeyCacheDuration must be between 0 and 5 minutes (it is {options.KeyCacheDuration}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
