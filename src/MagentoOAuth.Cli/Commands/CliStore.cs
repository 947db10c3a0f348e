using System.CommandLine;
using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.PostgreSql;
using MagentoOAuth.Storage.Sqlite;

namespace MagentoOAuth.Cli.Commands;

/// <summary>The options every command that touches stored credentials shares, and how STORE is found.</summary>
internal static class CliStore
{
    public const string DatabaseVariable = "MAGENTO_OAUTH_DB";

    public static Option<string?> DatabaseOption() => new("--db")
    {
        Description = $"The database: a SQLite file (default ./magento-oauth.db) or a postgres://user:password@host/db URL (or ${DatabaseVariable}). Its encryption key comes from " +
                      $"${EncryptionKey.EnvironmentVariable}, --key-file, or magento-oauth.key beside the database (created on first use, mode 0600).",
    };

    public static Option<string?> KeyFileOption() => new("--key-file") { Description = "A file holding the base64 encryption key." };

    public static string DatabasePath(string? db) =>
        db ?? (Environment.GetEnvironmentVariable(DatabaseVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : "magento-oauth.db");

    public static async Task<ICredentialStore> OpenAsync(string? db, string? keyFile, CancellationToken cancellationToken)
    {
        string path = DatabasePath(db);
        bool postgres = PostgreSqlCredentialStore.IsPostgres(path);

        // A key file is created beside a SQLite file only; instances sharing PostgreSQL must share a key by configuration.
        string? defaultKeyFile = postgres ? null : Microsoft.Extensions.DependencyInjection.SqliteStorageServiceCollectionExtensions.DefaultKeyFile(path);
        bool fromEnvironment = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EncryptionKey.EnvironmentVariable));
        bool defaultKeyExisted = defaultKeyFile is not null && File.Exists(defaultKeyFile);
        byte[] key;
        try
        {
            key = EncryptionKey.Resolve(keyFile, defaultKeyFile);
        }
        catch (InvalidOperationException e)
        {
            throw new CliUsageException(e.Message);
        }

        string source = fromEnvironment ? "$" + EncryptionKey.EnvironmentVariable : keyFile ?? defaultKeyFile!;
        if (!fromEnvironment && KeyFileWarning(source) is { } warning)
        {
            await Console.Error.WriteLineAsync("magento-oauth: warning: " + warning);
        }

        try
        {
            return postgres
                ? await PostgreSqlCredentialStore.OpenAsync(path, new SecretProtector(key), cancellationToken)
                : await SqliteCredentialStore.OpenAsync(path, new SecretProtector(key), cancellationToken);
        }
        catch (WrongEncryptionKeyException)
        {
            bool createdJustNow = !fromEnvironment && keyFile is null && !defaultKeyExisted;
            if (createdJustNow)
            {
                // The key file was missing, so a new one was made: remove it, or the next start would use it too.
                File.Delete(defaultKeyFile!);
                throw new CliUsageException($"the database {path} holds credentials, but its key file {defaultKeyFile} is missing. Restore that file, " +
                    $"or give the key with ${EncryptionKey.EnvironmentVariable} or --key-file; without it the stored stores cannot be read.");
            }

            throw new CliUsageException($"the database {path} was encrypted with another key than the one from {source}. " +
                $"Give the key it was created with (${EncryptionKey.EnvironmentVariable}, --key-file, or {(defaultKeyFile ?? "a key file")}).");
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or ArgumentException or Microsoft.Data.Sqlite.SqliteException)
        {
            throw new CliUsageException($"cannot open the database: {e.Message}");
        }
    }

    /// <summary>A warning when others than the owner can read or change the key file (as ssh does for private keys).</summary>
    private static string? KeyFileWarning(string file)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(file))
        {
            return null;
        }

        UnixFileMode loose = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        UnixFileMode mode = File.GetUnixFileMode(file);
        return (mode & loose) == 0 ? null : $"the key file {file} can be read by others (mode {Convert.ToString((int)mode, 8)}); run: chmod 600 {file}";
    }

    /// <summary>STORE is a store id, a consumer key, or a store base URL (the active connection for it, else the newest).</summary>
    public static async Task<StoreConnection> FindAsync(ICredentialStore store, string reference, CancellationToken cancellationToken) =>
        await MagentoOAuth.AspNetCore.Clients.StoreReference.FindAsync(store, reference, cancellationToken)
        ?? throw new CliUsageException($"no store '{reference}': give a store id, consumer key or store base URL ('magento-oauth stores list' shows them).");
}
