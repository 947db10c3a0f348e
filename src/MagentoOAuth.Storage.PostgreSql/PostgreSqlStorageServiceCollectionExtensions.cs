using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.PostgreSql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers PostgreSQL storage.</summary>
public static class PostgreSqlStorageServiceCollectionExtensions
{
    /// <summary>
    /// Stores connections in PostgreSQL, migrated at start-up (instances starting together migrate once). The encryption
    /// key must be shared by every instance: from <paramref name="configure"/> or <c>MAGENTO_OAUTH_ENCRYPTION_KEY</c>;
    /// it never goes into the database.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="connection">A <c>postgres://user:password@host:port/database</c> URL or an Npgsql connection string.</param>
    /// <param name="configure">Where the key comes from.</param>
    public static IServiceCollection AddMagentoPostgreSqlStorage(this IServiceCollection services, string connection, Action<MagentoStorageOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connection);
        var options = new MagentoStorageOptions();
        configure?.Invoke(options);
        return services.AddMagentoStorage(_ => new PostgreSqlCredentialStore(connection, new SecretProtector(options.ResolveKey(defaultKeyFile: null))));
    }
}
