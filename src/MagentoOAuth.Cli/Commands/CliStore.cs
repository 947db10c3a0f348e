using System.CommandLine;
using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.Sqlite;

namespace MagentoOAuth.Cli.Commands;

/// <summary>The options every command that touches stored credentials shares, and how STORE is found.</summary>
internal static class CliStore
{
    public const string DatabaseVariable = "MAGENTO_OAUTH_DB";

    public static Option<string?> DatabaseOption() => new("--db")
    {
        Description = $"The SQLite database (default ./magento-oauth.db, or ${DatabaseVariable}). Its encryption key comes from " +
                      $"${EncryptionKey.EnvironmentVariable}, --key-file, or magento-oauth.key beside the database (created on first use, mode 0600).",
    };

    public static Option<string?> KeyFileOption() => new("--key-file") { Description = "A file holding the base64 encryption key." };

    public static string DatabasePath(string? db) =>
        db ?? (Environment.GetEnvironmentVariable(DatabaseVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : "magento-oauth.db");

    public static async Task<ICredentialStore> OpenAsync(string? db, string? keyFile, CancellationToken cancellationToken)
    {
        string path = DatabasePath(db);
        if (path.StartsWith("postgres", StringComparison.OrdinalIgnoreCase) || path.Contains("Host=", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliUsageException("PostgreSQL databases are not supported yet (issue #5); give a SQLite file path.");
        }

        byte[] key;
        try
        {
            key = EncryptionKey.Resolve(keyFile, Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", Path.GetFileNameWithoutExtension(path) + ".key"));
        }
        catch (InvalidOperationException e)
        {
            throw new CliUsageException(e.Message);
        }

        return await SqliteCredentialStore.OpenAsync(path, new SecretProtector(key), cancellationToken);
    }

    /// <summary>STORE is a store id, a consumer key, or a store base URL (the active connection for it, else the newest).</summary>
    public static async Task<StoreConnection> FindAsync(ICredentialStore store, string reference, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(reference, out Guid id) && await store.FindAsync(id, cancellationToken) is { } byId)
        {
            return byId;
        }

        if (await store.FindByConsumerKeyAsync(reference, cancellationToken) is { } byKey)
        {
            return byKey;
        }

        string url = reference.EndsWith('/') ? reference : reference + "/";
        var byUrl = (await store.ListAsync(cancellationToken)).Where(s => string.Equals(s.StoreBaseUrl, url, StringComparison.OrdinalIgnoreCase)).ToList();
        return byUrl.FirstOrDefault(s => s.Status == StoreStatus.Active) ?? byUrl.LastOrDefault()
            ?? throw new CliUsageException($"no store '{reference}': give a store id, consumer key or store base URL ('magento-oauth stores list' shows them).");
    }
}
