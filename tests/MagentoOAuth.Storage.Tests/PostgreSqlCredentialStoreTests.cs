using System.Security.Cryptography;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.PostgreSql;
using Npgsql;

namespace MagentoOAuth.Storage.Tests;

/// <summary>One throwaway PostgreSQL server for all the PostgreSQL tests; a fresh database per test.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public ThrowawayPostgres Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ThrowawayPostgres.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition("postgres")]
public sealed class PostgresTests : ICollectionFixture<PostgresFixture>;

[Collection("postgres")]
public sealed class PostgreSqlCredentialStoreTests(PostgresFixture postgres) : CredentialStoreConformanceTests
{
    private readonly SecretProtector _protector = new(RandomNumberGenerator.GetBytes(32));

    protected override async Task<ICredentialStore> CreateStoreAsync() =>
        await PostgreSqlCredentialStore.OpenAsync(await postgres.Server.CreateDatabaseAsync(), _protector);

    [Fact]
    public async Task No_secret_can_be_read_in_the_database()
    {
        string url = await postgres.Server.CreateDatabaseAsync();
        await using PostgreSqlCredentialStore store = await PostgreSqlCredentialStore.OpenAsync(url, _protector);
        await store.InsertAsync(NewConnection() with { ConsumerSecret = "CONSUMERSECRETVALUE", AccessToken = "ACCESSTOKENVALUE", AccessTokenSecret = "ACCESSSECRETVALUE" });

        await using var db = new NpgsqlConnection(PostgreSqlCredentialStore.ToConnectionString(url));
        await db.OpenAsync();
        await using var dump = new NpgsqlCommand("SELECT row_to_json(s)::text FROM stores s", db);
        string rows = (string)(await dump.ExecuteScalarAsync())!;

        Assert.StartsWith("{\"id\"", rows, StringComparison.Ordinal);
        foreach (string secret in new[] { "CONSUMERSECRETVALUE", "ACCESSTOKENVALUE", "ACCESSSECRETVALUE" })
        {
            Assert.DoesNotContain(secret, rows, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Instances_starting_together_migrate_once()
    {
        string url = await postgres.Server.CreateDatabaseAsync();
        PostgreSqlCredentialStore[] stores = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => PostgreSqlCredentialStore.OpenAsync(url, _protector))));
        try
        {
            Assert.True(await stores[3].InsertAsync(NewConnection()));
            await using var db = new NpgsqlConnection(PostgreSqlCredentialStore.ToConnectionString(url));
            await db.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM schema_migrations", db);
            Assert.Equal(MagentoOAuth.Storage.Sql.SqlMigrations.Postgres.Length, (int)(long)(await count.ExecuteScalarAsync())!); // each step applied once
        }
        finally
        {
            foreach (PostgreSqlCredentialStore store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData("postgres://shop%26fy:passify%23%24@127.0.0.1:5433/db?Pooling=false", "shop&fy", "passify#$", 5433, "db")]
    [InlineData("postgresql://u@h/d", "u", null, 5432, "d")]
    public void Postgres_urls_become_connection_strings(string url, string user, string? password, int port, string database)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgreSqlCredentialStore.ToConnectionString(url));
        Assert.Equal((user, password, port, database), (builder.Username, builder.Password, builder.Port, builder.Database));
        Assert.True(PostgreSqlCredentialStore.IsPostgres(url));
        Assert.False(PostgreSqlCredentialStore.IsPostgres("magento-oauth.db"));
    }
}
