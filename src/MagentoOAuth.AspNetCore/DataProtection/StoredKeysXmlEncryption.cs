using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace MagentoOAuth.AspNetCore.DataProtection;

/// <summary>
/// Marks key elements as encrypted for Data Protection: the repository (<see cref="CredentialStoreXmlRepository"/>)
/// encrypts every element with AES-256-GCM before it reaches the database, so this step only wraps and unwraps.
/// Without it Data Protection warns that keys may be stored unencrypted, which here they are not.
/// </summary>
public sealed class StoredKeysXmlEncryptor : IXmlEncryptor
{
    /// <inheritdoc />
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(new XElement("encryptedByCredentialStore", plaintextElement), typeof(StoredKeysXmlDecryptor));
}

/// <summary>Unwraps elements wrapped by <see cref="StoredKeysXmlEncryptor"/> (already decrypted by the repository).</summary>
public sealed class StoredKeysXmlDecryptor : IXmlDecryptor
{
    /// <inheritdoc />
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        return encryptedElement.Elements().Single();
    }
}
