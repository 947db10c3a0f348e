using System.Data.Common;
using System.Globalization;

namespace MagentoOAuth.Storage.Sql;

/// <summary>The schema, as numbered steps per backend (for the SQL backends' packages). Never edit a released step: add the next one.</summary>
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

    // Issue #9: indexed queries instead of whole-table reads, supersession and link-window columns, one history table
    // (status changes and rotations) that replaces the rotations table, its rows carried over.
    private static string Fleet(string idColumn, string orderedId) => $"""
        ALTER TABLE stores ADD COLUMN account_linked_at TEXT;
        ALTER TABLE stores ADD COLUMN superseded_by TEXT;
        ALTER TABLE stores ADD COLUMN created_at TEXT;
        UPDATE stores SET created_at = received_at;
        CREATE INDEX stores_by_created ON stores (created_at, {orderedId});
        CREATE INDEX stores_unfinished ON stores (received_at) WHERE status IN (0, 1);
        CREATE INDEX stores_by_account ON stores (account_id) WHERE account_id IS NOT NULL;
        CREATE TABLE history (
            id {idColumn},
            store_id TEXT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            transition INTEGER NOT NULL,
            from_status INTEGER,
            to_status INTEGER NOT NULL,
            reason TEXT,
            access_token_fingerprint TEXT
        );
        CREATE INDEX history_by_store ON history (store_id, id);
        INSERT INTO history (store_id, at, transition, from_status, to_status, reason, access_token_fingerprint)
            SELECT store_id, rotated_at, CASE reason WHEN 'superseded' THEN 5 ELSE 6 END, NULL, CASE reason WHEN 'superseded' THEN 4 ELSE 0 END, reason, access_token_fingerprint
            FROM rotations ORDER BY id;
        DROP TABLE rotations
        """;

    // One value encrypted with the key the database was created with: a start with another key is refused at once,
    // before it can write rows nobody can read.
    private const string KeyCheck = "CREATE TABLE key_check (id INTEGER PRIMARY KEY, value TEXT NOT NULL)";

    // Issue #10: failed activations that never got a token are removed after a retention period, found by this index.
    private const string FailedIndex = "CREATE INDEX stores_failed_untokened ON stores (updated_at) WHERE status = 3 AND access_token IS NULL AND account_id IS NULL";

    // Issue #12: the admin listener's API keys, by name, found by their public id; only the secret's hash is kept.
    private const string ApiKeys = """
        CREATE TABLE api_keys (
            name TEXT PRIMARY KEY,
            key_id TEXT NOT NULL UNIQUE,
            secret_hash TEXT NOT NULL,
            scope INTEGER NOT NULL,
            stores TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """;

    // Issue #12: each store's call health, one row per store written in batches (slots serialised as text).
    private const string StoreHealth = """
        CREATE TABLE store_health (
            store_id TEXT PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
            last_success_at TEXT,
            last_failure_at TEXT,
            last_failure TEXT,
            last_failure_status INTEGER,
            availability INTEGER NOT NULL DEFAULT 0,
            buckets TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            version BIGINT NOT NULL DEFAULT 0
        )
        """;

    // Issue #12, the dashboard: a status filter pages through its own rows (status, then the keyset order) instead of
    // reading the whole fleet to find 25 revoked stores, and the stores waiting for a Reauthorize (failed or revoked)
    // are found by two index ranges.
    private static string StatusIndex(string orderedId) => $"CREATE INDEX stores_by_status ON stores (status, created_at, {orderedId})";
    // Issue #12: the webhook outbox, written in the same transaction as the row change it reports. "Due" finds what to
    // send; "per store in order" finds a store's oldest undelivered event; delivered rows are pruned by delivered_at.
    private static string Outbox(string idColumn) => $"""
        CREATE TABLE outbox (
            sequence {idColumn},
            event_id TEXT NOT NULL UNIQUE,
            store_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            payload TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            delivered_at TEXT,
            last_error TEXT,
            claimed_by TEXT,
            claimed_until TEXT
        );
        CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
        CREATE INDEX outbox_by_store ON outbox (store_id, sequence) WHERE delivered_at IS NULL;
        CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE delivered_at IS NOT NULL
        """;

    /// <summary>SQLite's steps.</summary>
    public static readonly (int Version, string Sql)[] Sqlite =
    [
        (1, Stores + Rotations("INTEGER PRIMARY KEY AUTOINCREMENT")),
        (2, Claims),
        (3, DataProtectionKeys),
        (4, Fleet("INTEGER PRIMARY KEY AUTOINCREMENT", "id")),
        (5, KeyCheck),
        (6, FailedIndex),
        (7, ApiKeys),
        (8, StoreHealth),
        (9, Outbox("INTEGER PRIMARY KEY AUTOINCREMENT")),
        (10, StatusIndex("id")),
    ];

    /// <summary>PostgreSQL's steps.</summary>
    public static readonly (int Version, string Sql)[] Postgres =
    [
        (1, Stores + Rotations("BIGSERIAL PRIMARY KEY")),
        (2, Claims),
        (3, DataProtectionKeys),
        (4, Fleet("BIGSERIAL PRIMARY KEY", "id COLLATE \"C\"")),
        (5, KeyCheck),
        (6, FailedIndex),
        (7, ApiKeys),
        (8, StoreHealth),
        (9, Outbox("BIGSERIAL PRIMARY KEY")),
        (10, StatusIndex("id COLLATE \"C\"")),
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
        // Every step not recorded yet, not only those above the highest: a database migrated by a build that had a later
        // step but not an earlier one (steps land from parallel work) still gets the earlier one.
        var applied = new HashSet<long>();
        await using (DbCommand version = db.CreateCommand())
        {
            version.CommandText = "SELECT version FROM schema_migrations";
            await using DbDataReader reader = await version.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));
            }
        }

        foreach (var (number, sql) in steps.Where(s => !applied.Contains(s.Version)))
        {
            await using DbCommand step = db.CreateCommand();
            step.CommandText = sql + $"; INSERT INTO schema_migrations (version, applied_at) VALUES ({number}, '{DateTimeOffset.UtcNow:O}');";
            await step.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
