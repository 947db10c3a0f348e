using System.Security.Cryptography;
using System.Text;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace MagentoOAuth.Storage.Tests;

public sealed class SqliteCredentialStoreTests : CredentialStoreConformanceTests, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("magento-oauth-sqlite-").FullName;
    private readonly SecretProtector _protector = new(RandomNumberGenerator.GetBytes(32));

    private string DatabasePath => Path.Combine(_directory, "magento-oauth.db");

    protected override async Task<ICredentialStore> CreateStoreAsync() => await SqliteCredentialStore.OpenAsync(DatabasePath, _protector);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task No_secret_can_be_read_in_the_database_file()
    {
        ICredentialStore store = await CreateStoreAsync();
        StoreConnection connection = NewConnection() with
        {
            ConsumerSecret = "CONSUMERSECRET0123456789abcdefgh", Verifier = "VERIFIERVALUE0123456789abcdefghi",
            RequestToken = "REQUESTTOKEN0123456789abcdefghij", RequestTokenSecret = "REQUESTSECRET0123456789abcdefghi",
            AccessToken = "ACCESSTOKEN0123456789abcdefghijk", AccessTokenSecret = "ACCESSSECRET0123456789abcdefghij",
        };
        await store.InsertAsync(connection);
        SqliteConnection.ClearAllPools();

        string raw = string.Concat(Directory.GetFiles(_directory).Select(f => Encoding.Latin1.GetString(File.ReadAllBytes(f))));

        Assert.Contains(connection.ConsumerKey, raw, StringComparison.Ordinal);
        foreach (string secret in new[] { "CONSUMERSECRET", "VERIFIERVALUE", "REQUESTTOKEN", "REQUESTSECRET", "ACCESSTOKEN", "ACCESSSECRET" })
        {
            Assert.DoesNotContain(secret, raw, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_database_is_not_opened_with_a_different_key()
    {
        ICredentialStore store = await CreateStoreAsync();
        await store.InsertAsync(NewConnection());

        var error = await Assert.ThrowsAsync<WrongEncryptionKeyException>(() => SqliteCredentialStore.OpenAsync(DatabasePath, new SecretProtector(RandomNumberGenerator.GetBytes(32))));
        Assert.Contains("another key", error.Message, StringComparison.Ordinal);

        // Nothing was written under the wrong key: the right one still reads every row.
        ICredentialStore again = await CreateStoreAsync();
        Assert.Single((await again.ListAsync(new ConnectionQuery())).Items, c => !c.Unreadable);
    }

    [Fact]
    public async Task A_database_from_before_the_key_check_is_checked_by_its_rows_and_one_unreadable_row_does_not_stop_it()
    {
        ICredentialStore store = await CreateStoreAsync();
        StoreConnection[] rows = [NewConnection(), NewConnection(), NewConnection()];
        foreach (StoreConnection row in rows)
        {
            await store.InsertAsync(row);
        }

        await using (var db = new SqliteConnection("Data Source=" + DatabasePath))
        {
            await db.OpenAsync();
            await using SqliteCommand command = db.CreateCommand();
            // As a database made before migration 5 looks, with its first row altered.
            command.CommandText = "DELETE FROM key_check; UPDATE stores SET consumer_secret = @other WHERE consumer_key = @key";
            command.Parameters.AddWithValue("@other", _protector.Protect("moved", rows[2].Id, "consumer_secret"));
            command.Parameters.AddWithValue("@key", rows[0].ConsumerKey);
            await command.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        await Assert.ThrowsAsync<WrongEncryptionKeyException>(() => SqliteCredentialStore.OpenAsync(DatabasePath, new SecretProtector(RandomNumberGenerator.GetBytes(32))));
        ICredentialStore reopened = await CreateStoreAsync();
        Assert.Equal(2, (await reopened.ListAsync(new ConnectionQuery())).Items.Count(c => !c.Unreadable));

        // The check is stored now: a wrong key is refused even without rows to try.
        await Assert.ThrowsAsync<WrongEncryptionKeyException>(() => SqliteCredentialStore.OpenAsync(DatabasePath, new SecretProtector(RandomNumberGenerator.GetBytes(32))));
    }

    [Fact]
    public async Task A_row_that_cannot_be_decrypted_is_listed_as_unreadable_and_the_others_still_read()
    {
        ICredentialStore store = await CreateStoreAsync();
        StoreConnection[] rows = [NewConnection(), NewConnection(), NewConnection()];
        foreach (StoreConnection row in rows)
        {
            await store.InsertAsync(row);
        }

        await using (var db = new SqliteConnection("Data Source=" + DatabasePath))
        {
            await db.OpenAsync();
            await using SqliteCommand command = db.CreateCommand();
            command.CommandText = "UPDATE stores SET consumer_secret = @other WHERE consumer_key = @key";
            command.Parameters.AddWithValue("@other", _protector.Protect("moved", rows[0].Id, "consumer_secret"));
            command.Parameters.AddWithValue("@key", rows[1].ConsumerKey);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        IReadOnlyList<StoreConnection> listed = (await store.ListAsync(new ConnectionQuery())).Items;
        Assert.Equal(3, listed.Count);
        Assert.Equal([false, true, false], rows.Select(r => listed.Single(l => l.Id == r.Id).Unreadable));
        Assert.True((await store.FindAsync(rows[1].Id))!.Unreadable);
        Assert.Equal(rows[2].ConsumerSecret, (await store.FindAsync(rows[2].Id))!.ConsumerSecret);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_database_file_is_readable_by_its_owner_only()
    {
        ICredentialStore store = await CreateStoreAsync();
        await store.InsertAsync(NewConnection());
        foreach (string file in Directory.GetFiles(_directory, "magento-oauth.db*"))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public void A_ciphertext_moved_to_another_row_does_not_decrypt()
    {
        string sealedValue = _protector.Protect("secret", Guid.NewGuid(), "access_token")!;
        Assert.Throws<CryptographicException>(() => _protector.Unprotect(sealedValue, Guid.NewGuid(), "access_token"));
    }

    [Fact]
    public async Task Two_openers_racing_on_a_new_database_migrate_it_once()
    {
        SqliteCredentialStore[] stores = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => SqliteCredentialStore.OpenAsync(DatabasePath, _protector))));
        Assert.True(await stores[0].InsertAsync(NewConnection()));

        await using var db = new SqliteConnection("Data Source=" + DatabasePath);
        await db.OpenAsync();
        await using SqliteCommand command = db.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM schema_migrations; PRAGMA journal_mode;";
        await using SqliteDataReader reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(MagentoOAuth.Storage.Sql.SqlMigrations.Sqlite.Length, (int)reader.GetInt64(0)); // each step applied once
        await reader.NextResultAsync();
        await reader.ReadAsync();
        Assert.Equal("wal", reader.GetString(0));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_key_file_is_created_beside_the_database_readable_by_its_owner_only()
    {
        string keyFile = Path.Combine(_directory, "magento-oauth.key");
        byte[] first = EncryptionKey.Resolve(null, keyFile);
        byte[] second = EncryptionKey.Resolve(null, keyFile);

        Assert.Equal(first, second);
        Assert.Equal(32, first.Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
    }

    [Fact]
    public void A_malformed_key_is_refused_with_how_to_make_one()
    {
        string keyFile = Path.Combine(_directory, "bad.key");
        File.WriteAllText(keyFile, "not-a-key");
        var error = Assert.Throws<InvalidOperationException>(() => EncryptionKey.Resolve(keyFile, null));
        Assert.Contains("head -c 32 /dev/urandom | base64", error.Message, StringComparison.Ordinal);
    }
}
