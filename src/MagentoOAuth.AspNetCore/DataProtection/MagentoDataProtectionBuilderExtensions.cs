using MagentoOAuth.AspNetCore.DataProtection;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.DataProtection;

/// <summary>Keeps Data Protection's key ring in the MagentoOAuth database.</summary>
public static class MagentoDataProtectionBuilderExtensions
{
    /// <summary>
    /// Stores the key ring in the registered storage's <see cref="IDataProtectionKeyStore"/> (SQLite or PostgreSQL),
    /// encrypted with the storage's key, so every instance sharing the database can read the identity page's
    /// antiforgery tokens the others issued.
    /// </summary>
    /// <param name="builder">The Data Protection builder.</param>
    public static IDataProtectionBuilder PersistKeysToMagentoStorage(this IDataProtectionBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(services => new ConfigureOptions<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new CredentialStoreXmlRepository(services.GetRequiredService<IDataProtectionKeyStore>());
            o.XmlEncryptor = new StoredKeysXmlEncryptor();
        }));
        return builder;
    }
}
