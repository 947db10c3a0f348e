using MagentoOAuth.Operations.Keys;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Time.Testing;

namespace MagentoOAuth.Operations.Tests.Keys;

public sealed class ApiKeyCacheTests
{
    private readonly InMemoryCredentialStore _store = new();
    private readonly FakeTimeProvider _time = new();

    private ApiKeyCache Cache(TimeSpan period) =>
        new(new ApiKeyService(_store, _time), Microsoft.Extensions.Options.Options.Create(new MagentoOperationsOptions { KeyCacheDuration = period }), _time);

    [Fact]
    public async Task A_valid_key_is_remembered_for_the_period_then_read_again()
    {
        var service = new ApiKeyService(_store, _time);
        string key = (await service.CreateAsync("etl", ApiKeyScope.Proxy, []))!.Value.Key;
        ApiKeyCache cache = Cache(TimeSpan.FromSeconds(5));
        Assert.NotNull(await cache.ValidateAsync(key, default));

        Assert.True(await service.RevokeAsync("etl"));
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.NotNull(await cache.ValidateAsync(key, default));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(await cache.ValidateAsync(key, default));
    }

    [Fact]
    public async Task Refusals_are_not_remembered_and_a_zero_period_reads_every_time()
    {
        var service = new ApiKeyService(_store, _time);
        ApiKeyCache cache = Cache(TimeSpan.Zero);
        Assert.Null(await cache.ValidateAsync("mok_aaaaaaaaaaaa_" + new string('a', 43), default));

        string key = (await service.CreateAsync("etl", ApiKeyScope.Proxy, []))!.Value.Key;
        Assert.NotNull(await cache.ValidateAsync(key, default));
        Assert.True(await service.RevokeAsync("etl"));
        Assert.Null(await cache.ValidateAsync(key, default));
    }
}
