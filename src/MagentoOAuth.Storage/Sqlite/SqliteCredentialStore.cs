using System.Globalization;
using MagentoOAuth.Signing;
using MagentoOAuth.Storage.Encryption;
using Microsoft.Data.Sqlite;

namespace MagentoOAuth.Storage.Sqlite;

/// <summary>
/// <see cref="ICredentialStore"/> on a SQLite file (the embedded default): schema migrations applied on open, WAL
/// journaling, every secret column encrypted with <see cref="SecretProtector"/>. Safe for concurrent use by one process;
/// many processes sharing work need PostgreSQL.
/// </summary>
public sealed class SqliteCredentialStore : ICredentialStore
{
    private const string Columns = "id, store_base_url, consumer_key, consumer_secret, verifier, request_token, request_token_secret, " +
        "access_token, access_token_secret, status, status_reason, step, received_at, updated_at, attempts, account_id, store_name, locale, currency, profile, version";

    private readonly string _connectionString;
    private readonly SecretProtector _protector;

    private SqliteCredentialStore(string connectionString, SecretProtector protector)
    {
        _connectionString = connectionString;
        _protector = protector;
    }

    /// <summary>The database file.</summary>
    public string Path { get; private init; } = "";

    /// <summary>Opens (creating and migrating if needed) the database at <paramref name="path"/>.</summary>
    /// <param name="path">The database file, e.g. <c>magento-oauth.db</c>.</param>
    /// <param name="protector">Encrypts the secrets.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    public static async Task<SqliteCredentialStore> OpenAsync(string path, SecretProtector protector, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(protector);
        string connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
        var store = new SqliteCredentialStore(connectionString, protector) { Path = System.IO.Path.GetFullPath(path) };
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <inheritdoc />
    public async Task<bool> InsertAsync(StoreConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using SqliteConnection db = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = db.CreateCommand();
        command.CommandText = $"INSERT INTO stores ({Columns}) VALUES ($id, $base, $key, $secret, $verifier, $rt, $rts, $at, $ats, $status, $reason, $step, $received, $updated, $attempts, $account, $name, $locale, $currency, $profile, 0) ON CONFLICT DO NOTHING";
        Bind(command, connection);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> UpdateAsync(StoreConnection connection, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using SqliteConnection db = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = db.CreateCommand();
        command.CommandText = """
            UPDATE stores SET store_base_url = $base, consumer_key = $key, consumer_secret = $secret, verifier = $verifier,
                request_token = $rt, request_token_secret = $rts, access_token = $at, access_token_secret = $ats,
                status = $status, status_reason = $reason, step = $step, received_at = $received, updated_at = $updated,
                attempts = $attempts, account_id = $account, store_name = $name, locale = $locale, currency = $currency,
                profile = $profile, version = version + 1
            WHERE id = $id AND version = $expected
            """;
        Bind(command, connection);
        command.Parameters.AddWithValue("$expected", expectedVersion);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public Task<StoreConnection?> FindAsync(Guid id, CancellationToken cancellationToken = default) =>
        FindOneAsync("id = $value", id.ToString(), cancellationToken);

    /// <inheritdoc />
    public Task<StoreConnection?> FindByConsumerKeyAsync(string consumerKey, CancellationToken cancellationToken = default) =>
        FindOneAsync("consumer_key = $value", consumerKey, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoreConnection>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = db.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM stores ORDER BY received_at, id";
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = db.CreateCommand();
        command.CommandText = "DELETE FROM stores WHERE id = $id";
        command.Parameters.AddWithValue("$id", id.ToString());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task AddRotationAsync(CredentialRotation rotation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rotation);
        await using SqliteConnection db = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = db.CreateCommand();
        command.CommandText = "INSERT INTO rotations (store_id, consumer_key, access_token_fingerprint, rotated_at, reason) VALUES ($store, $key, $fingerprint, $at, $reason)";
        command.Parameters.AddWithValue("$store", rotation.StoreId.ToString());
        command.Parameters.AddWithValue("$key", rotation.ConsumerKey);
        command.Parameters.AddWithValue("$fingerprint", (object?)rotation.AccessTokenFingerprint ?? DBNull.Value);
        command.Parameters.AddWithValue("$at", rotation.At.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$reason", rotation.Reason);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CredentialRotation>> ListRotationsAsync(Guid storeId, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = db.CreateCommand();
        command.CommandText = "SELECT consumer_key, access_token_fingerprint, rotated_at, reason FROM rotations WHERE store_id = $store ORDER BY id";
        command.Parameters.AddWithValue("$store", storeId.ToString());
        var rotations = new List<CredentialRotation>();
        await using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rotations.Add(new CredentialRotation(storeId, reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture), reader.GetString(3)));
        }

        return rotations;
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using SqliteConnection db = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (SqliteCommand wal = db.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // BEGIN IMMEDIATE takes the write lock first, so two processes opening a new database migrate it once.
        await using (SqliteCommand begin = db.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);";
            await begin.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            long current;
            await using (SqliteCommand version = db.CreateCommand())
            {
                version.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
                current = (long)(await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            foreach (var (number, sql) in SqliteMigrations.Steps.Where(s => s.Version > current))
            {
                await using SqliteCommand step = db.CreateCommand();
                step.CommandText = sql + $"; INSERT INTO schema_migrations (version, applied_at) VALUES ({number}, '{DateTimeOffset.UtcNow:O}');";
                await step.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using SqliteCommand commit = db.CreateCommand();
            commit.CommandText = "COMMIT";
            await commit.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await using SqliteCommand rollback = db.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand pragmas = connection.CreateCommand();
        pragmas.CommandText = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";
        await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private async Task<StoreConnection?> FindOneAsync(string where, string value, CancellationToken cancellationToken)
    {
        await using SqliteConnection db = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = db.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM stores WHERE {where}";
        command.Parameters.AddWithValue("$value", value);
        IReadOnlyList<StoreConnection> found = await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    private async Task<IReadOnlyList<StoreConnection>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var result = new List<StoreConnection>();
        await using SqliteDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            Guid id = Guid.Parse(r.GetString(0));
            string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
            string? Secret(int i, string field) => _protector.Unprotect(Text(i), id, field);
            result.Add(new StoreConnection
            {
                Id = id,
                StoreBaseUrl = r.GetString(1),
                ConsumerKey = r.GetString(2),
                ConsumerSecret = Secret(3, "consumer_secret")!,
                Verifier = Secret(4, "verifier"),
                RequestToken = Secret(5, "request_token"),
                RequestTokenSecret = Secret(6, "request_token_secret"),
                AccessToken = Secret(7, "access_token"),
                AccessTokenSecret = Secret(8, "access_token_secret"),
                Status = (StoreStatus)r.GetInt32(9),
                StatusReason = Text(10),
                Step = (ExchangeStep)r.GetInt32(11),
                ReceivedAt = DateTimeOffset.Parse(r.GetString(12), CultureInfo.InvariantCulture),
                UpdatedAt = DateTimeOffset.Parse(r.GetString(13), CultureInfo.InvariantCulture),
                Attempts = r.GetInt32(14),
                AccountId = Text(15),
                StoreName = Text(16),
                Locale = Text(17),
                Currency = Text(18),
                Profile = (SignatureProfile)r.GetInt32(19),
                Version = r.GetInt64(20),
            });
        }

        return result;
    }

    private void Bind(SqliteCommand command, StoreConnection c)
    {
        object Value(string? text) => (object?)text ?? DBNull.Value;
        object Secret(string? text, string field) => Value(_protector.Protect(text, c.Id, field));
        command.Parameters.AddWithValue("$id", c.Id.ToString());
        command.Parameters.AddWithValue("$base", c.StoreBaseUrl);
        command.Parameters.AddWithValue("$key", c.ConsumerKey);
        command.Parameters.AddWithValue("$secret", Secret(c.ConsumerSecret, "consumer_secret"));
        command.Parameters.AddWithValue("$verifier", Secret(c.Verifier, "verifier"));
        command.Parameters.AddWithValue("$rt", Secret(c.RequestToken, "request_token"));
        command.Parameters.AddWithValue("$rts", Secret(c.RequestTokenSecret, "request_token_secret"));
        command.Parameters.AddWithValue("$at", Secret(c.AccessToken, "access_token"));
        command.Parameters.AddWithValue("$ats", Secret(c.AccessTokenSecret, "access_token_secret"));
        command.Parameters.AddWithValue("$status", (int)c.Status);
        command.Parameters.AddWithValue("$reason", Value(c.StatusReason));
        command.Parameters.AddWithValue("$step", (int)c.Step);
        command.Parameters.AddWithValue("$received", c.ReceivedAt.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$updated", c.UpdatedAt.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$attempts", c.Attempts);
        command.Parameters.AddWithValue("$account", Value(c.AccountId));
        command.Parameters.AddWithValue("$name", Value(c.StoreName));
        command.Parameters.AddWithValue("$locale", Value(c.Locale));
        command.Parameters.AddWithValue("$currency", Value(c.Currency));
        command.Parameters.AddWithValue("$profile", (int)c.Profile);
    }
}
