using MagentoOAuth.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.Operations.Tests.Proxy;

public sealed class ResilienceOptionsTests
{
    private static OptionsValidationException Invalid(Action<StoreResilienceOptions> change)
    {
        using ServiceProvider services = new ServiceCollection().AddMagentoIntegration(o => change(o.Resilience)).BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<MagentoIntegrationOptions>>().Value);
    }

    [Fact]
    public void Each_wrong_setting_is_named()
    {
        Assert.Contains("Resilience.MaxConcurrentCalls must be at least 1", Invalid(r => r.MaxConcurrentCalls = 0).Message, StringComparison.Ordinal);
        Assert.Contains("Resilience.MaxQueuedCalls", Invalid(r => r.MaxQueuedCalls = -1).Message, StringComparison.Ordinal);
        Assert.Contains("Resilience.MaxRetries", Invalid(r => r.MaxRetries = 11).Message, StringComparison.Ordinal);
        Assert.Contains("Resilience.RetryDelay", Invalid(r => r.RetryDelay = TimeSpan.Zero).Message, StringComparison.Ordinal);
        Assert.Contains("Resilience.CircuitFailureRatio", Invalid(r => r.CircuitFailureRatio = 0).Message, StringComparison.Ordinal);
        Assert.Contains("Resilience.CircuitMinimumCalls", Invalid(r => r.CircuitMinimumCalls = 1).Message, StringComparison.Ordinal);
        Assert.Contains("Resilience.CircuitBreakDuration", Invalid(r => r.CircuitBreakDuration = TimeSpan.FromMilliseconds(10)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        using ServiceProvider services = new ServiceCollection().AddMagentoIntegration().BuildServiceProvider();
        Assert.Equal(16, services.GetRequiredService<IOptions<MagentoIntegrationOptions>>().Value.Resilience.MaxConcurrentCalls);
    }
}
