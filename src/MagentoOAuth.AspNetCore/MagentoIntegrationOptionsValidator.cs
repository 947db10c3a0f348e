using Microsoft.Extensions.Options;

namespace MagentoOAuth.AspNetCore;

/// <summary>Checks <see cref="MagentoIntegrationOptions"/> at start-up, naming every field that cannot work.</summary>
internal sealed class MagentoIntegrationOptionsValidator : IValidateOptions<MagentoIntegrationOptions>
{
    public ValidateOptionsResult Validate(string? name, MagentoIntegrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Positive(TimeSpan value, string field)
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"MagentoIntegrationOptions.{field} must be positive (it is {value}).");
            }
        }

        Positive(options.ConsumerExpiry, nameof(options.ConsumerExpiry));
        Positive(options.RetryDelay, nameof(options.RetryDelay));
        Positive(options.ClaimLease, nameof(options.ClaimLease));
        Positive(options.ScanInterval, nameof(options.ScanInterval));
        Positive(options.RequestTimeout, nameof(options.RequestTimeout));
        Positive(options.AccountLinkWindow, nameof(options.AccountLinkWindow));
        if (options.CredentialCacheDuration < TimeSpan.Zero)
        {
            failures.Add($"MagentoIntegrationOptions.CredentialCacheDuration must not be negative (it is {options.CredentialCacheDuration}).");
        }

        if (options.HealthWriteInterval < TimeSpan.FromMilliseconds(100) || options.HealthWriteInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"MagentoIntegrationOptions.HealthWriteInterval must be between 100 ms and 10 minutes (it is {options.HealthWriteInterval}).");
        }

        if (options.MaxRetryDelay < options.RetryDelay)
        {
            failures.Add($"MagentoIntegrationOptions.MaxRetryDelay ({options.MaxRetryDelay}) must be at least RetryDelay ({options.RetryDelay}).");
        }

        if (options.MaxAttempts < 1)
        {
            failures.Add($"MagentoIntegrationOptions.MaxAttempts must be at least 1 (it is {options.MaxAttempts}).");
        }

        if (options.CallbackLimitPerAddress < 0 || options.CallbackLimitTotal < 0)
        {
            failures.Add($"MagentoIntegrationOptions.CallbackLimitPerAddress and CallbackLimitTotal must be 0 (no limit) or more (they are {options.CallbackLimitPerAddress} and {options.CallbackLimitTotal}).");
        }

        if (options.MaxUnfinishedPerStoreHost < 1)
        {
            failures.Add($"MagentoIntegrationOptions.MaxUnfinishedPerStoreHost must be at least 1 (it is {options.MaxUnfinishedPerStoreHost}).");
        }

        if (options.RetainFailed <= TimeSpan.Zero && options.RetainFailed != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"MagentoIntegrationOptions.RetainFailed must be positive, or Timeout.InfiniteTimeSpan to keep failed activations (it is {options.RetainFailed}).");
        }

        if (options.MaxConcurrentExchanges < 1)
        {
            failures.Add($"MagentoIntegrationOptions.MaxConcurrentExchanges must be at least 1 (it is {options.MaxConcurrentExchanges}).");
        }

        if (string.IsNullOrWhiteSpace(options.InstanceId))
        {
            failures.Add("MagentoIntegrationOptions.InstanceId must be set (unique per process; the default is).");
        }

        if (options.Events is null)
        {
            failures.Add("MagentoIntegrationOptions.Events must not be null.");
        }

        ValidateResilience(options.Resilience, failures);
        foreach (string host in options.AllowedStoreHosts)
        {
            if (string.IsNullOrWhiteSpace(host) || host.Contains('/', StringComparison.Ordinal) || host.Contains(':', StringComparison.Ordinal))
            {
                failures.Add($"MagentoIntegrationOptions.AllowedStoreHosts: '{host}' is not a host name (like shop.example.com or .example.com).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateResilience(StoreResilienceOptions? r, List<string> failures)
    {
        if (r is null)
        {
            failures.Add("MagentoIntegrationOptions.Resilience must not be null.");
            return;
        }

        void Check(bool ok, string problem)
        {
            if (!ok)
            {
                failures.Add("MagentoIntegrationOptions.Resilience." + problem);
            }
        }

        Check(r.MaxConcurrentCalls >= 1, $"MaxConcurrentCalls must be at least 1 (it is {r.MaxConcurrentCalls}).");
        Check(r.MaxQueuedCalls >= 0, $"MaxQueuedCalls must be 0 or more (it is {r.MaxQueuedCalls}).");
        Check(r.MaxRetries is >= 0 and <= 10, $"MaxRetries must be between 0 and 10 (it is {r.MaxRetries}).");
        Check(r.RetryDelay > TimeSpan.Zero, $"RetryDelay must be positive (it is {r.RetryDelay}).");
        Check(r.MaxRetryAfter >= TimeSpan.Zero, $"MaxRetryAfter must not be negative (it is {r.MaxRetryAfter}).");
        Check(r.CircuitFailureRatio is > 0 and <= 1, $"CircuitFailureRatio must be above 0 and at most 1 (it is {r.CircuitFailureRatio}).");
        Check(r.CircuitMinimumCalls >= 2, $"CircuitMinimumCalls must be at least 2 (it is {r.CircuitMinimumCalls}).");
        Check(r.CircuitSamplingDuration >= TimeSpan.FromMilliseconds(500), $"CircuitSamplingDuration must be at least 0.5 s (it is {r.CircuitSamplingDuration}).");
        Check(r.CircuitBreakDuration >= TimeSpan.FromMilliseconds(500), $"CircuitBreakDuration must be at least 0.5 s (it is {r.CircuitBreakDuration}).");
    }
}
