using System.Data.Common;
using System.Globalization;

namespace MagentoOAuth.Storage.Sql;

/// <summary>The schema, as numbered steps per backend. Never edit a released step: add the next one.</summary>
internal static class SqlMigrations
{
    private const string Stores = """
        CREATE TABLE stores (
            id TEXT PRIMARY KEY,
            store_base_url TEXT NOT NULL,
            consumer_key TEXT NOT NULL UNIQUE,
            consumer_secret TEXT NOT NULL,
            verifier TEXT,
            request_token TEXT,
            request_token_secret TEXT,
            access_token TEXT,
            access_token_secret TEXT,
            status INTEGER NOT NULL,
            status_reason TEXT,
            step INTEGER NOT NULL,
            received_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            account_id TEXT,
            store_name TEXT,
            locale TEXT,
            currency TEXT,
            profile INTEGER NOT NULL DEFAULT 0,
            version BIGINT NOT NULL DEFAULT 0
        );
        CREATE INDEX stores_by_base_url ON stores (store_base_url);
        """;

    // Which instance is exchanging a store, and until when (issue #5: many instances, one database).
    private const string Claims = """
        ALTER TABLE stores ADD COLUMN claimed_by TEXT;
        ALTER TABLE stores ADD COLUMN claimed_until TEXT
        """;

    // ASP.NET Core Data Protection's key ring, shared by the instances (elements encrypted).
    private const string DataProtectionKeys = "CREATE TABLE dataprotection_keys (name TEXT PRIMARY KEY, xml TEXT NOT NULL)";

    public static readonly (int Version, string Sql)[] Sqlite =
    [
        (1, Stores + Rotations("INTEGER PRIMARY KEY AUTOINCREMENT")),
        (2, Claims),
        (3, DataProtectionKeys),
    ];

    public static readonly (int Version, string Sql)[] Postgres =
    [
        (1, Stores + Rotations("BIGSERIAL PRIMARY KEY")),
        (2, Claims),
        (3, DataProtectionKeys),
    ];

    // The backends differ only in how an auto-incrementing key is spelled.
    private static string Rotations(string idColumn) => $"""
        CREATE TABLE rotations (
            id {idColumn},
            store_id TEXT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
            consumer_key TEXT NOT NULL,
            access_token_fingerprint TEXT,
            rotated_at TEXT NOT NULL,
            reason TEXT NOT NULL
        );
        """;

    /// <summary>Applies the steps above the recorded version, inside the caller's transaction and lock.</summary>
    public static async Task ApplyAsync(DbConnection db, (int Version, string Sql)[] steps, CancellationToken cancellationToken)
    {
        long current;
        await using (DbCommand version = db.CreateCommand())
        {
            version.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
            current = Convert.ToInt64(await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        foreach (var (number, sql) in steps.Where(s => s.Version > current))
        {
            await using DbCommand step = db.CreateCommand();
            step.CommandText = sql + $"; INSERT INTO schema_migrations (version, applied_at) VALUES ({number}, '{DateTimeOffset.UtcNow:O}');";
            await step.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
