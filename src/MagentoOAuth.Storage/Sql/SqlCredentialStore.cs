using System.Data.Common;
using System.Globalization;
using MagentoOAuth.Signing;
using MagentoOAuth.Storage.Encryption;

namespace MagentoOAuth.Storage.Sql;

/// <summary>
/// <see cref="ICredentialStore"/> over any ADO.NET database that speaks this dialect (<c>@name</c> parameters,
/// <c>ON CONFLICT DO NOTHING</c>, partial indexes): the queries and the encryption of secret columns. Backends supply
/// connections and their own schema migrations. Ids are text, times ISO 8601 UTC text, so both backends store the same
/// values. Every query is served by an index; no method reads the whole table.
/// </summary>
public abstract partial class SqlCredentialStore : ICredentialStore, IDataProtectionKeyStore
{
    private const string Columns = "id, store_base_url, consumer_key, consumer_secret, verifier, request_token, request_token_secret, " +
        "access_token, access_token_secret, status, status_reason, step, received_at, updated_at, attempts, account_id, store_name, locale, currency, profile, version, " +
        "account_linked_at, superseded_by, created_at";

    private readonly SecretProtector _protector;

    /// <summary>Creates the store with the protector that encrypts secret columns.</summary>
    /// <param name="protector">Encrypts the secrets.</param>
    protected SqlCredentialStore(SecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(protector);
        _protector = protector;
    }

    /// <summary>The case-insensitive LIKE operator of the dialect.</summary>
    protected virtual string CaseInsensitiveLike => "LIKE";

    /// <summary>The id column compared byte by byte (so keyset paging agrees with ordinal order whatever the collation).</summary>
    protected virtual string OrdinalId => "id";

    /// <summary>Creates or upgrades the schema; safe when several instances start together.</summary>
    /// <param name="cancellationToken">Cancels the migration.</param>
    public abstract Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Opens a connection, ready for commands.</summary>
    /// <param name="cancellationToken">Cancels opening.</param>
    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <inheritdoc />
    public async Task<bool> InsertAsync(StoreConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await ExecuteAsync(InsertSql, command => BindInsert(command, connection), cancellationToken) == 1;
    }

    private const string InsertSql =
        $"INSERT INTO stores ({Columns}) VALUES (@id, @base, @key, @secret, @verifier, @rt, @rts, @at, @ats, @status, @reason, @step, @received, @updated, @attempts, @account, @name, @locale, @currency, @profile, 0, @linked, @superseded, @created) ON CONFLICT DO NOTHING";

    private void BindInsert(DbCommand command, StoreConnection connection)
    {
        connection = connection.CreatedAt == default ? connection with { CreatedAt = connection.ReceivedAt } : connection;
        Bind(command, connection);
        Add(command, "@created", Time(connection.CreatedAt));
    }

    /// <inheritdoc />
    public async Task<bool> UpdateAsync(StoreConnection connection, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        try
        {
            return await ExecuteAsync(UpdateSql, command => BindUpdate(command, connection, expectedVersion), cancellationToken) == 1;
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            // Another connection has this consumer key: the update cannot apply, like a version conflict.
            return false;
        }
    }

    private const string UpdateSql = """
        UPDATE stores SET store_base_url = @base, consumer_key = @key, consumer_secret = @secret, verifier = @verifier,
            request_token = @rt, request_token_secret = @rts, access_token = @at, access_token_secret = @ats,
            status = @status, status_reason = @reason, step = @step, received_at = @received, updated_at = @updated,
            attempts = @attempts, account_id = @account, store_name = @name, locale = @locale, currency = @currency,
            profile = @profile, account_linked_at = @linked, superseded_by = @superseded, version = version + 1
        WHERE id = @id AND version = @expected
        """;

    private void BindUpdate(DbCommand command, StoreConnection connection, long expectedVersion)
    {
        if (connection.Unreadable)
        {
            throw new InvalidOperationException($"The connection {connection.Id} could not be decrypted; writing it back would replace its secrets with nothing.");
        }

        Bind(command, connection);
        Add(command, "@expected", expectedVersion);
    }

    /// <summary>True when the database refused a write because a unique index already holds the value.</summary>
    /// <param name="exception">The database's error.</param>
    protected abstract bool IsUniqueViolation(DbException exception);

    /// <inheritdoc />
    public Task<StoreConnection?> FindAsync(Guid id, CancellationToken cancellationToken = default) =>
        FindOneAsync("id", id.ToString(), cancellationToken);

    /// <inheritdoc />
    public Task<StoreConnection?> FindByConsumerKeyAsync(string consumerKey, CancellationToken cancellationToken = default) =>
        FindOneAsync("consumer_key", consumerKey, cancellationToken);

    private async Task<StoreConnection?> FindOneAsync(string column, string value, CancellationToken cancellationToken)
    {
        IReadOnlyList<StoreConnection> found = await QueryAsync($"SELECT {Columns} FROM stores WHERE {column} = @value", c => Add(c, "@value", value), cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoreConnection>> FindByStoreBaseUrlAsync(string storeBaseUrl, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM stores WHERE store_base_url = @value ORDER BY created_at, {OrdinalId}", c => Add(c, "@value", storeBaseUrl), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoreConnection>> ListUnfinishedAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return QueryAsync($"SELECT {Columns} FROM stores WHERE status IN (0, 1) ORDER BY received_at, {OrdinalId} LIMIT @limit", c => Add(c, "@limit", limit), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ConnectionPage> ListAsync(ConnectionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var where = new List<string>();
        IReadOnlyList<StoreConnection> rows = await QueryAsync("", command =>
        {
            if (query.Status is { } status)
            {
                where.Add("status = @status");
                Add(command, "@status", (int)status);
            }

            if (query.AccountId is not null)
            {
                where.Add("account_id = @account");
                Add(command, "@account", query.AccountId);
            }

            if (!string.IsNullOrEmpty(query.Text))
            {
                where.Add($"(store_base_url {CaseInsensitiveLike} @text ESCAPE '\\' OR consumer_key {CaseInsensitiveLike} @text ESCAPE '\\' OR store_name {CaseInsensitiveLike} @text ESCAPE '\\')");
                Add(command, "@text", "%" + query.Text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%");
            }

            if (query.After is not null)
            {
                ConnectionCursor after = ConnectionCursor.Parse(query.After);
                // A row-value comparison, so the planner seeks the (created_at, id) index instead of filtering an OR.
                where.Add($"(created_at, {OrdinalId}) > (@after, @afterId)");
                Add(command, "@after", Time(after.CreatedAt));
                Add(command, "@afterId", after.Id.ToString());
            }

            Add(command, "@limit", query.PageSize + 1);
            command.CommandText = $"SELECT {Columns} FROM stores {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))} ORDER BY created_at, {OrdinalId} LIMIT @limit";
        }, cancellationToken);
        if (rows.Count <= query.PageSize)
        {
            return new ConnectionPage(rows, null);
        }

        var page = rows.Take(query.PageSize).ToList();
        return new ConnectionPage(page, ConnectionCursor.Of(page[^1]).ToString());
    }

    /// <inheritdoc />
    public async Task<int> DeleteFailedAsync(DateTimeOffset updatedBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        // The conditions stand in the outer WHERE too: PostgreSQL re-checks those (not the subquery's) on a row a
        // concurrent Reauthorize changed meanwhile, so a row that is no longer failed is never deleted.
        string doomed = $"status = {(int)StoreStatus.Failed} AND access_token IS NULL AND account_id IS NULL AND updated_at < @before";
        return await ExecuteAsync($"""
            DELETE FROM stores WHERE {doomed} AND id IN (SELECT id FROM stores WHERE {doomed} ORDER BY updated_at LIMIT @limit)
            """,
            c =>
            {
                Add(c, "@before", Time(updatedBefore));
                Add(c, "@limit", limit);
            },
            cancellationToken);
    }

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
                Add(c, "@now", LeaseTime(now));
                Add(c, "@until", LeaseTime(until));
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
    public async Task AddAsync(HistoryEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await ExecuteAsync("""
            INSERT INTO history (store_id, at, transition, from_status, to_status, reason, access_token_fingerprint)
            SELECT @store, @at, @transition, @from, @to, @reason, @fingerprint WHERE EXISTS (SELECT 1 FROM stores WHERE id = @store)
            """,
            c =>
            {
                Add(c, "@store", entry.ConnectionId.ToString());
                Add(c, "@at", Time(entry.At));
                Add(c, "@transition", (int)entry.Transition);
                Add(c, "@from", entry.From is { } from ? (int)from : null);
                Add(c, "@to", (int)entry.To);
                Add(c, "@reason", entry.Reason);
                Add(c, "@fingerprint", entry.AccessTokenFingerprint);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<HistoryEntry>> ListAsync(Guid connectionId, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using DbConnection db = await OpenConnectionAsync(cancellationToken);
        await using DbCommand command = db.CreateCommand();
        command.CommandText = """
            SELECT at, transition, from_status, to_status, reason, access_token_fingerprint FROM
                (SELECT id, at, transition, from_status, to_status, reason, access_token_fingerprint FROM history WHERE store_id = @store ORDER BY id DESC LIMIT @limit) AS newest
            ORDER BY id
            """;
        Add(command, "@store", connectionId.ToString());
        Add(command, "@limit", limit);
        var entries = new List<HistoryEntry>();
        await using DbDataReader r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            entries.Add(new HistoryEntry(connectionId, ParseTime(r.GetString(0)), (ConnectionTransition)Int(r.GetValue(1)),
                r.IsDBNull(2) ? null : (StoreStatus)Int(r.GetValue(2)), (StoreStatus)Int(r.GetValue(3)),
                r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)));
        }

        return entries;
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

    private const string KeyCheckText = "magento-oauth key check";

    /// <summary>
    /// Proves the key is the one this database's rows were written with (call after migrating): the key-check value is
    /// decrypted, or, in a database from before it existed, one stored secret; then the check is written if missing.
    /// </summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <exception cref="WrongEncryptionKeyException">The rows were encrypted with another key.</exception>
    protected async Task CheckKeyAsync(CancellationToken cancellationToken)
    {
        (string? check, IReadOnlyList<(Guid Id, string Secret)> samples) = await ReadKeyEvidenceAsync(cancellationToken).ConfigureAwait(false);
        if (check is not null)
        {
            VerifyCheck(check);
            return;
        }

        // A database from before the key check: the key is right if rows decrypt with it. Several are tried, so one
        // unreadable row (restored from elsewhere, altered) does not stop the start; none readable means another key.
        if (samples.Count > 0 && !samples.Any(s => Decrypts(s.Secret, s.Id)))
        {
            throw new WrongEncryptionKeyException();
        }

        await ExecuteAsync("INSERT INTO key_check (id, value) VALUES (1, @value) ON CONFLICT DO NOTHING",
            c => Add(c, "@value", _protector.Protect(KeyCheckText, KeyRingRow, "key_check")), cancellationToken).ConfigureAwait(false);

        // Two first starts with different keys may race: whichever check was stored, this key must open it.
        (string? stored, _) = await ReadKeyEvidenceAsync(cancellationToken).ConfigureAwait(false);
        VerifyCheck(stored ?? throw new InvalidOperationException("The key check was not stored."));
    }

    private void VerifyCheck(string check)
    {
        try
        {
            if (_protector.Unprotect(check, KeyRingRow, "key_check") != KeyCheckText)
            {
                throw new WrongEncryptionKeyException();
            }
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new WrongEncryptionKeyException(e);
        }
    }

    private bool Decrypts(string secret, Guid id)
    {
        try
        {
            _protector.Unprotect(secret, id, "consumer_secret");
            return true;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    private async Task<(string? Check, IReadOnlyList<(Guid Id, string Secret)> Samples)> ReadKeyEvidenceAsync(CancellationToken cancellationToken)
    {
        await using DbConnection db = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using DbCommand command = db.CreateCommand();
        command.CommandText = "SELECT value FROM key_check WHERE id = 1";
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string check)
        {
            return (check, []);
        }

        command.CommandText = "SELECT id, consumer_secret FROM stores LIMIT 20";
        var samples = new List<(Guid, string)>();
        await using DbDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            samples.Add((Guid.Parse(r.GetString(0)), r.GetString(1)));
        }

        return (null, samples);
    }

    /// <summary>Times of rows are ISO 8601 UTC text of fixed width ("O"), so text order is time order.</summary>
    protected static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    // Leases were stored in this format since migration 2; kept so a rolling upgrade compares like with like.
    private static string LeaseTime(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    private static int Int(object value) => Convert.ToInt32(value, CultureInfo.InvariantCulture);

    /// <summary>Adds a parameter (null becomes DBNull).</summary>
    protected static void Add(DbCommand command, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <summary>
    /// Waits for this process's turn to write, for a database that takes one writer at a time; the returned handle ends
    /// the turn. The default (null) is for databases that take concurrent writers.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    protected virtual ValueTask<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IDisposable?>(null);

    /// <summary>Runs a command that changes rows; returns how many.</summary>
    protected async Task<int> ExecuteAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bind);
        using IDisposable? turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using DbConnection db = await OpenConnectionAsync(cancellationToken);
        await using DbCommand command = db.CreateCommand();
        command.CommandText = sql;
        bind(command);
        return await command.ExecuteNonQueryAsync(cancellationToken);
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
            StoreConnection secrets;
            try
            {
                secrets = new StoreConnection
                {
                    Id = id, StoreBaseUrl = string.Empty, ConsumerKey = string.Empty, ReceivedAt = default,
                    ConsumerSecret = Secret(3, "consumer_secret")!,
                    Verifier = Secret(4, "verifier"),
                    RequestToken = Secret(5, "request_token"),
                    RequestTokenSecret = Secret(6, "request_token_secret"),
                    AccessToken = Secret(7, "access_token"),
                    AccessTokenSecret = Secret(8, "access_token_secret"),
                };
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // One row written under another key (or altered) is listed without its secrets; it never hides the others.
                secrets = new StoreConnection { Id = id, StoreBaseUrl = string.Empty, ConsumerKey = string.Empty, ReceivedAt = default, ConsumerSecret = string.Empty, Unreadable = true };
            }

            result.Add(secrets with
            {
                StoreBaseUrl = r.GetString(1),
                ConsumerKey = r.GetString(2),
                Status = (StoreStatus)Int(r.GetValue(9)),
                StatusReason = Text(10),
                Step = (ExchangeStep)Int(r.GetValue(11)),
                ReceivedAt = ParseTime(r.GetString(12)),
                UpdatedAt = ParseTime(r.GetString(13)),
                Attempts = Int(r.GetValue(14)),
                AccountId = Text(15),
                StoreName = Text(16),
                Locale = Text(17),
                Currency = Text(18),
                Profile = (SignatureProfile)Int(r.GetValue(19)),
                Version = Convert.ToInt64(r.GetValue(20), CultureInfo.InvariantCulture),
                AccountLinkedAt = Text(21) is { } linked ? ParseTime(linked) : null,
                SupersededBy = Text(22) is { } by ? Guid.Parse(by) : null,
                CreatedAt = ParseTime(r.GetString(23)),
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
        Add(command, "@received", Time(c.ReceivedAt));
        Add(command, "@updated", Time(c.UpdatedAt));
        Add(command, "@attempts", c.Attempts);
        Add(command, "@account", c.AccountId);
        Add(command, "@name", c.StoreName);
        Add(command, "@locale", c.Locale);
        Add(command, "@currency", c.Currency);
        Add(command, "@profile", (int)c.Profile);
        Add(command, "@linked", c.AccountLinkedAt is { } linked ? Time(linked) : null);
        Add(command, "@superseded", c.SupersededBy?.ToString());
    }
}
