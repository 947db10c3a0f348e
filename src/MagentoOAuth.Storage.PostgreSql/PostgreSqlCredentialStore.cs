using System.Data.Common;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.Sql;
using Npgsql;

namespace MagentoOAuth.Storage.PostgreSql;

/// <summary>
/// <see cref="ICredentialStore"/> on PostgreSQL, for many instances sharing one database: the same schema and queries
/// as SQLite, migrations serialised by an advisory lock so instances starting together migrate once. The encryption
/// key is shared by configuration, never stored in the database.
/// </summary>
public sealed class PostgreSqlCredentialStore : SqlCredentialStore, IAsyncDisposable
{
    // An arbitrary constant naming "MagentoOAuth schema migrations" for pg_advisory_xact_lock.
    private const long MigrationLock = 0x4D61_6765_6E74_6F31;

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the store without connecting; <see cref="MigrateAsync"/> (or the hosted migration of <c>AddMagentoPostgreSqlStorage</c>) prepares the schema.</summary>
    /// <param name="connection">A <c>postgres://user:password@host:port/database</c> URL or an Npgsql connection string.</param>
    /// <param name="protector">Encrypts the secrets.</param>
    public PostgreSqlCredentialStore(string connection, SecretProtector protector)
        : base(protector)
    {
        ArgumentException.ThrowIfNullOrEmpty(connection);
        _dataSource = NpgsqlDataSource.Create(ToConnectionString(connection));
    }

    /// <summary>Opens (and migrates if needed) the database.</summary>
    /// <param name="connection">A <c>postgres://user:password@host:port/database</c> URL or an Npgsql connection string.</param>
    /// <param name="protector">Encrypts the secrets.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    public static async Task<PostgreSqlCredentialStore> OpenAsync(string connection, SecretProtector protector, CancellationToken cancellationToken = default)
    {
        var store = new PostgreSqlCredentialStore(connection, protector);
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <summary>True for <c>postgres://</c> and <c>postgresql://</c> URLs and Npgsql connection strings (<c>Host=…</c>).</summary>
    /// <param name="database">What was given as the database.</param>
    public static bool IsPostgres(string database) =>
        database.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || database.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || database.Contains("Host=", StringComparison.OrdinalIgnoreCase);

    /// <summary>Turns a <c>postgres://</c> URL into an Npgsql connection string; passes connection strings through.</summary>
    /// <param name="connection">The URL or connection string.</param>
    public static string ToConnectionString(string connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!connection.Contains("://", StringComparison.Ordinal))
        {
            return connection;
        }

        var url = new Uri(connection);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = url.Host,
            Port = url.IsDefaultPort || url.Port < 0 ? 5432 : url.Port,
            Database = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/')),
        };
        string[] user = url.UserInfo.Split(':', 2);
        if (user[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(user[0]);
        }

        if (user.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(user[1]);
        }

        foreach (string pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            builder[Uri.UnescapeDataString(kv[0])] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : string.Empty;
        }

        return builder.ConnectionString;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <inheritdoc />
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override string CaseInsensitiveLike => "ILIKE";

    /// <inheritdoc />
    protected override string OrdinalId => "id COLLATE \"C\"";

    /// <inheritdoc />
    protected override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <inheritdoc />
    public override async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await MigrateSchemaAsync(cancellationToken);
        await CheckKeyAsync(cancellationToken);
    }

    private async Task MigrateSchemaAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlConnection db = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using NpgsqlTransaction transaction = await db.BeginTransactionAsync(cancellationToken);
        await using (var setup = new NpgsqlCommand(
            $"SELECT pg_advisory_xact_lock({MigrationLock}); CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);", db, transaction))
        {
            await setup.ExecuteNonQueryAsync(cancellationToken);
        }

        await SqlMigrations.ApplyAsync(db, SqlMigrations.Postgres, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
