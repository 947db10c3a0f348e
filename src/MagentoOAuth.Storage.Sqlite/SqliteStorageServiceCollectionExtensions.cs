using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers SQLite storage.</summary>
public static class SqliteStorageServiceCollectionExtensions
{
    /// <summary>
    /// Stores connections in the SQLite file <paramref name="path"/>, migrated at start-up. The encryption key comes from
    /// <paramref name="configure"/>, else <c>MAGENTO_OAUTH_ENCRYPTION_KEY</c>, else a key file beside the database
    /// (<c>magento-oauth.db</c> → <c>magento-oauth.key</c>, created with mode 0600 on first use).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="path">The database file.</param>
    /// <param name="configure">Where the key comes from.</param>
    public static IServiceCollection AddMagentoSqliteStorage(this IServiceCollection services, string path, Action<MagentoStorageOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var options = new MagentoStorageOptions();
        configure?.Invoke(options);
        return services.AddMagentoStorage(_ => new SqliteCredentialStore(path, new SecretProtector(options.ResolveKey(DefaultKeyFile(path)))));
    }

    /// <summary>The key file used beside a SQLite database when no key is configured: same folder and name, <c>.key</c>.</summary>
    /// <param name="path">The database file.</param>
    public static string DefaultKeyFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", Path.GetFileNameWithoutExtension(path) + ".key");
    }
}
