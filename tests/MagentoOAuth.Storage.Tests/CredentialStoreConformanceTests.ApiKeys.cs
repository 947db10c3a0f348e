namespace MagentoOAuth.Storage.Tests;

public abstract partial class CredentialStoreConformanceTests
{
    private static ApiKey Key(string name, string id, params string[] stores) => new()
    {
        Name = name, KeyId = id, SecretHash = new string('a', 64), Scope = ApiKeyScope.Proxy, Stores = stores,
        CreatedAt = DateTimeOffset.Parse("2026-12-04T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task Api_keys_round_trip_are_unique_by_name_and_id_and_revoke_once()
    {
        var keys = (IApiKeyStore)await CreateStoreAsync();
        ApiKey etl = Key("etl", "abcdefghijkm", "https://a.example.com/", "https://b.example.com/");
        ApiKey admin = Key("admin", "mnpqrstuvwxy") with { Scope = ApiKeyScope.Admin };

        Assert.True(await keys.AddApiKeyAsync(etl));
        Assert.True(await keys.AddApiKeyAsync(admin));
        Assert.False(await keys.AddApiKeyAsync(Key("etl", "zzzzzzzzzzzz")));
        Assert.False(await keys.AddApiKeyAsync(Key("other", "abcdefghijkm")));

        ApiKey found = (await keys.FindApiKeyAsync("abcdefghijkm"))!;
        Assert.Equal((etl.Name, etl.SecretHash, etl.Scope, etl.CreatedAt), (found.Name, found.SecretHash, found.Scope, found.CreatedAt));
        Assert.Equal(etl.Stores, found.Stores);
        Assert.Empty((await keys.FindApiKeyAsync("mnpqrstuvwxy"))!.Stores);
        Assert.Null(await keys.FindApiKeyAsync("nosuchkeyid0"));
        Assert.Equal(["admin", "etl"], (await keys.ListApiKeysAsync()).Select(k => k.Name));

        Assert.True(await keys.RevokeApiKeyAsync("etl"));
        Assert.False(await keys.RevokeApiKeyAsync("etl"));
        Assert.Null(await keys.FindApiKeyAsync("abcdefghijkm"));
    }
}
