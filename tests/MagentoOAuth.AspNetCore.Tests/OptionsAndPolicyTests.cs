using MagentoOAuth.AspNetCore.Exchange;
using MagentoOAuth.Errors;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MagentoOAuth.AspNetCore.Tests;

public sealed class OptionsAndPolicyTests
{
    [Fact]
    public void Every_failing_option_is_named()
    {
        var options = new MagentoIntegrationOptions { ConsumerExpiry = TimeSpan.Zero, MaxAttempts = 0, RetryDelay = TimeSpan.FromSeconds(30), InstanceId = " " };
        options.AllowedStoreHosts.Add("https://shop.example.com/");

        ValidateOptionsResult result = new MagentoIntegrationOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        foreach (string field in new[] { "ConsumerExpiry", "MaxAttempts", "MaxRetryDelay", "InstanceId", "AllowedStoreHosts" })
        {
            Assert.Contains(result.Failures!, f => f.Contains("MagentoIntegrationOptions." + field, StringComparison.Ordinal));
        }

        Assert.True(new MagentoIntegrationOptionsValidator().Validate(null, new MagentoIntegrationOptions()).Succeeded);
    }

    [Fact]
    public void Options_bind_from_configuration_and_are_validated_on_first_use()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConsumerExpiry"] = "00:10:00", ["AllowPrivateStores"] = "true", ["AllowedStoreHosts:0"] = ".example.com", ["AccountLinkWindow"] = "00:05:00",
        }).Build();
        using ServiceProvider services = new ServiceCollection().AddLogging().AddMagentoStorage(new InMemoryCredentialStore()).AddMagentoIntegration(configuration).BuildServiceProvider();
        MagentoIntegrationOptions bound = services.GetRequiredService<IOptions<MagentoIntegrationOptions>>().Value;
        Assert.Equal((TimeSpan.FromMinutes(10), true, ".example.com", TimeSpan.FromMinutes(5)), (bound.ConsumerExpiry, bound.AllowPrivateStores, bound.AllowedStoreHosts.Single(), bound.AccountLinkWindow));

        IConfiguration bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["MaxConcurrentExchanges"] = "0" }).Build();
        using ServiceProvider invalid = new ServiceCollection().AddLogging().AddMagentoStorage(new InMemoryCredentialStore()).AddMagentoIntegration(bad).BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => invalid.GetRequiredService<IOptions<MagentoIntegrationOptions>>().Value);
        Assert.Contains("MagentoIntegrationOptions.MaxConcurrentExchanges", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_opened_store_is_registered_as_every_storage_interface()
    {
        var store = new InMemoryCredentialStore();
        using ServiceProvider services = new ServiceCollection().AddMagentoStorage(store).BuildServiceProvider();
        Assert.Same(store, services.GetRequiredService<ICredentialStore>());
        Assert.Same(store, services.GetRequiredService<IConnectionStore>());
        Assert.Same(store, services.GetRequiredService<IExchangeLeaseStore>());
        Assert.Same(store, services.GetRequiredService<IConnectionHistory>());
    }

    private static StoreConnection Connection(ExchangeStep step, DateTimeOffset received) => new()
    {
        Id = Guid.NewGuid(), StoreBaseUrl = "https://shop.example.com/", ConsumerKey = "k", ConsumerSecret = "s", ReceivedAt = received, Step = step, Status = StoreStatus.Exchanging,
    };

    [Fact]
    public void Retry_delays_double_up_to_the_ceiling()
    {
        var policy = new ExchangeRetryPolicy(Options.Create(new MagentoIntegrationOptions { RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(5) }), () => 0.5);

        Assert.Equal([1, 2, 4, 5, 5], Enumerable.Range(1, 5).Select(a => policy.Delay(a).TotalSeconds));
    }

    [Fact]
    public void The_request_token_step_gives_up_when_the_next_try_would_land_after_the_consumer_expired()
    {
        var time = new FakeTimeProvider();
        var policy = new ExchangeRetryPolicy(Options.Create(new MagentoIntegrationOptions { ConsumerExpiry = TimeSpan.FromSeconds(300), RetryDelay = TimeSpan.FromSeconds(4) }), () => 0.5);
        StoreConnection received = Connection(ExchangeStep.Received, time.GetUtcNow());
        var failure = new HttpRequestException("refused");

        Assert.Null(policy.Decide(received, 1, time.GetUtcNow() + TimeSpan.FromSeconds(290), failure).GiveUp);
        Assert.Contains("before the consumer expired", policy.Decide(received, 1, time.GetUtcNow() + TimeSpan.FromSeconds(297), failure).GiveUp, StringComparison.Ordinal);
    }

    [Fact]
    public void Later_steps_give_up_after_the_attempts_not_the_clock()
    {
        var time = new FakeTimeProvider();
        var policy = new ExchangeRetryPolicy(Options.Create(new MagentoIntegrationOptions { MaxAttempts = 3 }), () => 0.5);
        StoreConnection access = Connection(ExchangeStep.RequestToken, time.GetUtcNow());
        var failure = new MagentoOAuthException(MagentoProblem.ServerError, 503, null, "down", "wait");

        Assert.Null(policy.Decide(access, 2, time.GetUtcNow() + TimeSpan.FromDays(1), failure).GiveUp);
        Assert.Contains("after 3 attempts: HTTP 503", policy.Decide(access, 3, time.GetUtcNow(), failure).GiveUp, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(503, true)]
    [InlineData(429, true)]
    [InlineData(401, false)]
    [InlineData(400, false)]
    public void Only_passing_failures_are_retried(int status, bool transient) =>
        Assert.Equal(transient, ExchangeRetryPolicy.IsTransient(new MagentoOAuthException(MagentoProblem.ServerError, status, null, "c", "f")));

    [Fact]
    public async Task A_lease_excludes_other_instances_until_it_runs_out_and_its_holder_learns_when_it_was_lost()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryCredentialStore();
        var connection = Connection(ExchangeStep.Received, time.GetUtcNow());
        await store.InsertAsync(connection);
        var a = new ExchangeLease(store, Options.Create(new MagentoIntegrationOptions { InstanceId = "a", ClaimLease = TimeSpan.FromSeconds(30) }), time);
        var b = new ExchangeLease(store, Options.Create(new MagentoIntegrationOptions { InstanceId = "b", ClaimLease = TimeSpan.FromSeconds(30) }), time);

        Assert.True(await a.ClaimAsync(connection.Id, default));
        Assert.False(await b.ClaimAsync(connection.Id, default));
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.True(await b.ClaimAsync(connection.Id, default), "a lapsed lease is taken over");

        using var hold = new CancellationTokenSource();
        Task<bool> holding = a.HoldAsync(connection.Id, hold);
        for (int i = 0; i < 100 && !holding.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(10);
        }

        Assert.True(await holding.WaitAsync(TimeSpan.FromSeconds(10)), "the renewal failed, so the step is abandoned");
        Assert.True(hold.IsCancellationRequested);
    }
}
