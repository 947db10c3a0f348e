namespace MagentoOAuth.Storage.Sqlite;

/// <summary>The schema, as numbered steps. Never edit a released step: add the next one.</summary>
internal static class SqliteMigrations
{
    public static readonly (int Version, string Sql)[] Steps =
    [
        (1, """
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
                version INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX stores_by_base_url ON stores (store_base_url);
            CREATE TABLE rotations (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                store_id TEXT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
                consumer_key TEXT NOT NULL,
                access_token_fingerprint TEXT,
                rotated_at TEXT NOT NULL,
                reason TEXT NOT NULL
            );
            """),
    ];
}
