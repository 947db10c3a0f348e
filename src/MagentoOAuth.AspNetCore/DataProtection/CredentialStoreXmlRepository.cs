using System.Xml.Linq;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace MagentoOAuth.AspNetCore.DataProtection;

/// <summary>
/// Data Protection's key ring in the shared database (<see cref="IDataProtectionKeyStore"/>): every instance reads the
/// same keys, so an identity page served by one instance can be confirmed on another. The elements are encrypted by the
/// store with the configured encryption key, which never goes into the database.
/// </summary>
public sealed class CredentialStoreXmlRepository(IDataProtectionKeyStore store) : IXmlRepository
{
    /// <inheritdoc />
    public IReadOnlyCollection<XElement> GetAllElements() =>
        // Data Protection's repository contract is synchronous; it is called rarely and its result cached.
        store.ListDataProtectionKeysAsync().GetAwaiter().GetResult().Select(x => XElement.Parse(x)).ToList();

    /// <inheritdoc />
    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        store.StoreDataProtectionKeyAsync(friendlyName, element.ToString(SaveOptions.DisableFormatting)).GetAwaiter().GetResult();
    }
}
