using System.Data.Common;
using System.Globalization;
using MagentoOAuth.Signing;
using MagentoOAuth.Storage.Encryption;

namespace MagentoOAuth.Storage.Sql;

/// <summary>
/// <see cref="ICredentialStore"/> over any ADO.NET database that speaks this dialect (<c>@name</c> parameters,
/// <c>ON CONFLICT DO NOTHING</c>): the queries and the encryption of secret columns. Backends supply connections and
/// their own schema migrations. Ids are text, times ISO 8601 UTC text, so both backends store the same values.
/// </summary>
public abstract class SqlCredentialStore : ICredentialStore, IDataProtectionKeyStore
{
    private const string Columns = "id, store_base_url, consumer_key, consumer_secret, verifier, request_token, request_token_secret, " +
        "access_token, access_token_secret, status, status_reason, step, received_at, updated_at, attempts, account_id, store_name, locale, currency, profile, version";

    private readonly SecretProtector _protector;

    /// <summary>Creates the store with the protector that encrypts secret columns.</summary>
    /// <param name="protector">Encrypts the secrets.</param>
    protected SqlCredentialStore(SecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(protector);
        _protector = protector;
    }

    /// <summary>Opens a connection, ready for commands.</summary>
    /// <param name="cancellationToken">Cancels opening.</param>
    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <inheritdoc />
    public async Task<bool> InsertAsync(StoreConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await ExecuteAsync(
            $"INSERT INTO stores ({Columns}) VALUES (@id, @base, @key, @secret, @verifier, @rt, @rts, @at, @ats, @status, @reason, @step, @received, @updated, @attempts, @account, @name, @locale, @currency, @profile, 0) ON CONFLICT DO NOTHING",
            command => Bind(command, connection), cancellationToken) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> UpdateAsync(StoreConnection connection, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await ExecuteAsync("""
            UPDATE stores SET store_base_url = @base, consumer_key = @key, consumer_secret = @secret, verifier = @verifier,
                request_token = @rt, request_token_secret = @rts, access_token = @at, access_token_secret = @ats,
                status = @status, status_reason = @reason, step = @step, received_at = @received, updated_at = @updated,
                attempts = @attempts, account_id = @account, store_name = @name, locale = @locale, currency = @currency,
                profile = @profile, version = version + 1
            WHERE id = @id AND version = @expected
            """,
            command =>
            {
                Bind(command, connection);
                Add(command, "@expected", expectedVersion);
            },
            cancellationToken) == 1;
    }

    /// <inheritdoc />
    public Task<StoreConnection?> FindAsync(Guid id, CancellationToken cancellationToken = default) =>
        FindOneAsync("id", id.ToString(), cancellationToken);

    /// <inheritdoc />
    public Task<StoreConnection?> FindByConsumerKeyAsync(string consumerKey, CancellationToken cancellationToken = default) =>
        FindOneAsync("consumer_key", consumerKey, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoreConnection>> ListAsync(CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM stores ORDER BY received_at, id", _ => { }, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("DELETE FROM stores WHERE id = @id", c => Add(c, "@id", id.ToString()), cancellationToken) == 1;

    /// <inheritdoc />
    public async Task<bool> TryClaimAsync(Guid id, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("""
            UPDATE stores SET claimed_by = @owner, claimed_until = @until
            WHERE id = @id AND (claimed_by IS NULL OR claimed_by = @owner OR claimed_until < @now)
            """,
            c =>
            {
                Add(c, "@id", id.ToString());
                Add(c, "@owner", owner);
                Add(c, "@now", Time(now));
                Add(c, "@until", Time(until));
            },
            cancellationToken) == 1;

    /// <inheritdoc />
    public Task ReleaseAsync(Guid id, string owner, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE stores SET claimed_by = NULL, claimed_until = NULL WHERE id = @id AND claimed_by = @owner",
            c =>
            {
                Add(c, "@id", id.ToString());
                Add(c, "@owner", owner);
            },
            cancellationToken);

    /// <inheritdoc />
    public async Task AddRotationAsync(CredentialRotation rotation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rotation);
        await ExecuteAsync(
            "INSERT INTO rotations (store_id, consumer_key, access_token_fingerprint, rotated_at, reason) VALUES (@store, @key, @fingerprint, @at, @reason)",
            c =>
            {
                Add(c, "@store", rotation.StoreId.ToString());
                Add(c, "@key", rotation.ConsumerKey);
                Add(c, "@fingerprint", rotation.AccessTokenFingerprint);
                Add(c, "@at", rotation.At.ToString("O", CultureInfo.InvariantCulture));
                Add(c, "@reason", rotation.Reason);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CredentialRotation>> ListRotationsAsync(Guid storeId, CancellationToken cancellationToken = default)
    {
        await using DbConnection db = await OpenConnectionAsync(cancellationToken);
        await using DbCommand command = db.CreateCommand();
        command.CommandText = "SELECT consumer_key, access_token_fingerprint, rotated_at, reason FROM rotations WHERE store_id = @store ORDER BY id";
        Add(command, "@store", storeId.ToString());
        var rotations = new List<CredentialRotation>();
        await using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rotations.Add(new CredentialRotation(storeId, reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture), reader.GetString(3)));
        }

        return rotations;
    }

    // Associated data for key-ring elements: not a store row, so a fixed id.
    private static readonly Guid KeyRingRow = new("6d616765-6e74-6f6f-6175-746800000001");

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListDataProtectionKeysAsync(CancellationToken cancellationToken = default)
    {
        await using DbConnection db = await OpenConnectionAsync(cancellationToken);
        await using DbCommand command = db.CreateCommand();
        command.CommandText = "SELECT name, xml FROM dataprotection_keys ORDER BY name";
        var keys = new List<string>();
        await using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(_protector.Unprotect(reader.GetString(1), KeyRingRow, "dataprotection:" + reader.GetString(0))!);
        }

        return keys;
    }

    /// <inheritdoc />
    public Task StoreDataProtectionKeyAsync(string name, string xml, CancellationToken cancellationToken = default) =>
        ExecuteAsync("INSERT INTO dataprotection_keys (name, xml) VALUES (@name, @xml) ON CONFLICT DO NOTHING", c =>
        {
            Add(c, "@name", name);
            Add(c, "@xml", _protector.Protect(xml, KeyRingRow, "dataprotection:" + name));
        }, cancellationToken);

    /// <summary>Times are stored as fixed-width ISO 8601 UTC text, so text order is time order.</summary>
    protected static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Adds a parameter (null becomes DBNull).</summary>
    protected static void Add(DbCommand command, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <summary>Runs a command that changes rows; returns how many.</summary>
    protected async Task<int> ExecuteAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bind);
        await using DbConnection db = await OpenConnectionAsync(cancellationToken);
        await using DbCommand command = db.CreateCommand();
        command.CommandText = sql;
        bind(command);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<StoreConnection?> FindOneAsync(string column, string value, CancellationToken cancellationToken)
    {
        IReadOnlyList<StoreConnection> found = await QueryAsync($"SELECT {Columns} FROM stores WHERE {column} = @value", c => Add(c, "@value", value), cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    private async Task<IReadOnlyList<StoreConnection>> QueryAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        await using DbConnection db = await OpenConnectionAsync(cancellationToken);
        await using DbCommand command = db.CreateCommand();
        command.CommandText = sql;
        bind(command);
        var result = new List<StoreConnection>();
        await using DbDataReader r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
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
                Status = (StoreStatus)Convert.ToInt32(r.GetValue(9), CultureInfo.InvariantCulture),
                StatusReason = Text(10),
                Step = (ExchangeStep)Convert.ToInt32(r.GetValue(11), CultureInfo.InvariantCulture),
                ReceivedAt = DateTimeOffset.Parse(r.GetString(12), CultureInfo.InvariantCulture),
                UpdatedAt = DateTimeOffset.Parse(r.GetString(13), CultureInfo.InvariantCulture),
                Attempts = Convert.ToInt32(r.GetValue(14), CultureInfo.InvariantCulture),
                AccountId = Text(15),
                StoreName = Text(16),
                Locale = Text(17),
                Currency = Text(18),
                Profile = (SignatureProfile)Convert.ToInt32(r.GetValue(19), CultureInfo.InvariantCulture),
                Version = Convert.ToInt64(r.GetValue(20), CultureInfo.InvariantCulture),
            });
        }

        return result;
    }

    private void Bind(DbCommand command, StoreConnection c)
    {
        string? Secret(string? text, string field) => _protector.Protect(text, c.Id, field);
        Add(command, "@id", c.Id.ToString());
        Add(command, "@base", c.StoreBaseUrl);
        Add(command, "@key", c.ConsumerKey);
        Add(command, "@secret", Secret(c.ConsumerSecret, "consumer_secret"));
        Add(command, "@verifier", Secret(c.Verifier, "verifier"));
        Add(command, "@rt", Secret(c.RequestToken, "request_token"));
        Add(command, "@rts", Secret(c.RequestTokenSecret, "request_token_secret"));
        Add(command, "@at", Secret(c.AccessToken, "access_token"));
        Add(command, "@ats", Secret(c.AccessTokenSecret, "access_token_secret"));
        Add(command, "@status", (int)c.Status);
        Add(command, "@reason", c.StatusReason);
        Add(command, "@step", (int)c.Step);
        Add(command, "@received", c.ReceivedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        Add(command, "@updated", c.UpdatedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        Add(command, "@attempts", c.Attempts);
        Add(command, "@account", c.AccountId);
        Add(command, "@name", c.StoreName);
        Add(command, "@locale", c.Locale);
        Add(command, "@currency", c.Currency);
        Add(command, "@profile", (int)c.Profile);
    }
}
