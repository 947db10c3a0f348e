using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Sql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a storage backend as every storage interface the integration uses.</summary>
public static class MagentoStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="factory"/>'s backend as <see cref="ICredentialStore"/>, <see cref="IConnectionStore"/>,
    /// <see cref="IExchangeLeaseStore"/>, <see cref="IConnectionHistory"/> and (when it has them) <see cref="IDataProtectionKeyStore"/>, <see cref="IStoreHealthStore"/>, <see cref="IStoreStatusCounter"/>.
    /// A SQL backend is migrated when the host starts, before anything listens.
    /// </summary>
    /// <typeparam name="TStore">The backend.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="factory">Creates the backend (once).</param>
    public static IServiceCollection AddMagentoStorage<TStore>(this IServiceCollection services, Func<IServiceProvider, TStore> factory)
        where TStore : class, ICredentialStore
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(factory);
        services.AddSingleton(factory);
        services.AddSingleton<ICredentialStore>(p => p.GetRequiredService<TStore>());
        services.AddSingleton<IConnectionStore>(p => p.GetRequiredService<TStore>());
        services.AddSingleton<IExchangeLeaseStore>(p => p.GetRequiredService<TStore>());
        services.AddSingleton<IConnectionHistory>(p => p.GetRequiredService<TStore>());
        if (typeof(IDataProtectionKeyStore).IsAssignableFrom(typeof(TStore)))
        {
            services.AddSingleton(p => (IDataProtectionKeyStore)p.GetRequiredService<TStore>());
        }

        if (typeof(IApiKeyStore).IsAssignableFrom(typeof(TStore)))
        {
            services.AddSingleton(p => (IApiKeyStore)p.GetRequiredService<TStore>());
        }

        if (typeof(IStoreHealthStore).IsAssignableFrom(typeof(TStore)))
        {
            services.AddSingleton(p => (IStoreHealthStore)p.GetRequiredService<TStore>());
        }

        if (typeof(IStoreStatusCounter).IsAssignableFrom(typeof(TStore)))
        {
            services.AddSingleton(p => (IStoreStatusCounter)p.GetRequiredService<TStore>());
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StorageMigrationService>());
        return services;
    }

    /// <summary>Registers an already opened backend (for example an <see cref="InMemoryCredentialStore"/>) as every storage interface.</summary>
    /// <param name="services">The services.</param>
    /// <param name="store">The backend.</param>
    public static IServiceCollection AddMagentoStorage(this IServiceCollection services, ICredentialStore store)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(store);
        if (store is SqlCredentialStore sql)
        {
            return services.AddMagentoStorage(_ => sql);
        }

        // Registered as instances: a factory typed as the interface would resolve itself (ICredentialStore -> ICredentialStore).
        services.AddSingleton(store);
        services.AddSingleton<IConnectionStore>(store);
        services.AddSingleton<IExchangeLeaseStore>(store);
        services.AddSingleton<IConnectionHistory>(store);
        if (store is IDataProtectionKeyStore keys)
        {
            services.AddSingleton(keys);
        }

        if (store is IApiKeyStore apiKeys)
        {
            services.AddSingleton(apiKeys);
        }

        if (store is IStoreHealthStore health)
        {
            services.AddSingleton(health);
        }

        if (store is IStoreStatusCounter counter)
        {
            services.AddSingleton(counter);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StorageMigrationService>());
        return services;
    }
}
