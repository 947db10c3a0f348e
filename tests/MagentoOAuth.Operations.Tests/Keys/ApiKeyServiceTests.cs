using MagentoOAuth.Operations.Keys;
using MagentoOAuth.Storage;

namespace MagentoOAuth.Operations.Tests.Keys;

public sealed class ApiKeyServiceTests
{
    private readonly InMemoryCredentialStore _store = new();

    private ApiKeyService Service => new(_store, TimeProvider.System);

    [Fact]
    public async Task A_created_key_validates_and_only_its_hash_is_stored()
    {
        (ApiKey stored, string key) = (await Service.CreateAsync("etl", ApiKeyScope.Proxy, ["https://shop.example.com/"]))!.Value;

        Assert.Matches("^mok_[a-z2-9]{12}_[A-Za-z0-9_-]{43}$", key);
        Assert.Equal(stored, await Service.ValidateAsync(key));
        ApiKey listed = Assert.Single(await Service.ListAsync());
        Assert.DoesNotContain(key[^43..], listed.SecretHash, StringComparison.Ordinal);
        Assert.Equal(64, listed.SecretHash.Length);
        Assert.DoesNotContain(key[^43..], listed.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer")]
    [InlineData("mok_short")]
    public async Task Malformed_keys_are_refused(string? presented) => Assert.Null(await Service.ValidateAsync(presented));

    [Fact]
    public async Task A_key_with_one_character_changed_or_revoked_is_refused()
    {
        string key = (await Service.CreateAsync("etl", ApiKeyScope.Admin, []))!.Value.Key;
        char last = key[^1] == 'A' ? 'B' : 'A';

        Assert.Null(await Service.ValidateAsync(key[..^1] + last));
        Assert.True(await Service.RevokeAsync("etl"));
        Assert.Null(await Service.ValidateAsync(key));
        Assert.False(await Service.RevokeAsync("etl"));
    }

    [Fact]
    public async Task Names_are_unique_and_checked()
    {
        Assert.NotNull(await Service.CreateAsync("etl", ApiKeyScope.Proxy, []));
        Assert.Null(await Service.CreateAsync("etl", ApiKeyScope.Admin, []));
        await Assert.ThrowsAsync<ArgumentException>(() => Service.CreateAsync("has space", ApiKeyScope.Proxy, []));
        await Assert.ThrowsAsync<ArgumentException>(() => Service.CreateAsync(new string('a', ApiKeyService.MaxNameLength + 1), ApiKeyScope.Proxy, []));

        // Admin keys see the whole fleet (dashboard, /metrics): a store list would promise what they do not keep.
        await Assert.ThrowsAsync<ArgumentException>(() => Service.CreateAsync("ops", ApiKeyScope.Admin, ["https://shop.example.com/"]));
    }
}
