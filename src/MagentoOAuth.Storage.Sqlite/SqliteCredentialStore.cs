using System.Collections.Concurrent;
using System.Data.Common;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace MagentoOAuth.Storage.Sqlite;

/// <summary>
/// <see cref="ICredentialStore"/> on a SQLite file (the embedded default): schema migrations, WAL journaling, every
/// secret column encrypted. Several processes on one machine may share the file; many machines need PostgreSQL.
/// </summary>
public sealed class SqliteCredentialStore : SqlCredentialStore
{
    // SQLite has one writer per file, and its busy handler is not fair: under load a waiting writer sleeps in steps of up
    // to 100 ms while others take the lock, and a callback waited a second behind the exchanges' writes. Writers of this
    // process queue here instead (FIFO), so only writers of other processes meet the busy handler. One gate per file,
    // whatever the number of store objects over it.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WriteGates = new(StringComparer.Ordinal);

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate;

    /// <summary>Creates the store without touching the file; <see cref="MigrateAsync"/> (or the hosted migration of <c>AddMagentoSqliteStorage</c>) prepares it.</summary>
    /// <param name="path">The database file, e.g. <c>magento-oauth.db</c>.</param>
    /// <param name="protector">Encrypts the secrets.</param>
    public SqliteCredentialStore(string path, SecretProtector protector)
        : base(protector)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        _writeGate = WriteGates.GetOrAdd(Path, _ => new SemaphoreSlim(1, 1));
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating and migrating if needed) the database at <paramref name="path"/>.</summary>
    /// <param name="path">The database file, e.g. <c>magento-oauth.db</c>.</param>
    /// <param name="protector">Encrypts the secrets.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    public static async Task<SqliteCredentialStore> OpenAsync(string path, SecretProtector protector, CancellationToken cancellationToken = default)
    {
        var store = new SqliteCredentialStore(path, protector);
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <inheritdoc />
    protected override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19 }; // SQLITE_CONSTRAINT

    /// <inheritdoc />
    protected override async ValueTask<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new WriteTurn(_writeGate);
    }

    private sealed class WriteTurn(SemaphoreSlim gate) : IDisposable
    {
        private SemaphoreSlim? _gate = gate;

        public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Release();
    }

    /// <inheritdoc />
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand pragmas = connection.CreateCommand();
        pragmas.CommandText = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";
        await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <inheritdoc />
    public override async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        CreateOwnerOnly(Path);
        await MigrateSchemaAsync(cancellationToken);
        await CheckKeyAsync(cancellationToken);
    }

    /// <summary>
    /// Creates a new database file readable by its owner only (0600). SQLite gives the WAL and shared-memory files the
    /// database file's mode, so they are private too; the process's umask no longer decides.
    /// </summary>
    private static void CreateOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path))
        {
            return;
        }

        string? directory = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        try
        {
            using var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it meanwhile.
        }
    }

    private async Task MigrateSchemaAsync(CancellationToken cancellationToken)
    {
        await using DbConnection db = await OpenConnectionAsync(cancellationToken);
        await Run(db, "PRAGMA journal_mode = WAL;", cancellationToken);

        // BEGIN IMMEDIATE takes the write lock first, so two processes opening a new database migrate it once.
        await Run(db, "BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);", cancellationToken);
        try
        {
            await SqlMigrations.ApplyAsync(db, SqlMigrations.Sqlite, cancellationToken);
            await Run(db, "COMMIT", cancellationToken);
        }
        catch
        {
            await Run(db, "ROLLBACK", CancellationToken.None);
            throw;
        }
    }

    private static async Task Run(DbConnection db, string sql, CancellationToken cancellationToken)
    {
        await using DbCommand command = db.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
