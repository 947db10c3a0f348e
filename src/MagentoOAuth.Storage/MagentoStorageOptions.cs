namespace MagentoOAuth.Storage;

/// <summary>Where the storage's encryption key comes from (<c>AddMagentoSqliteStorage</c>, <c>AddMagentoPostgreSqlStorage</c>).</summary>
public sealed class MagentoStorageOptions
{
    /// <summary>The key itself, base64 of 32 bytes (from your secret store). Takes precedence over everything else.</summary>
    public string? EncryptionKey { get; set; }

    /// <summary>A file holding the base64 key. Without a key or a file, <c>MAGENTO_OAUTH_ENCRYPTION_KEY</c> is read, then (SQLite only) a key file beside the database is used or created.</summary>
    public string? KeyFile { get; set; }

    /// <summary>Resolves the key as described on the properties.</summary>
    /// <param name="defaultKeyFile">The key file to use or create when nothing else is given, or null to require a key.</param>
    /// <exception cref="InvalidOperationException">No usable key, with what to do.</exception>
    public byte[] ResolveKey(string? defaultKeyFile) =>
        string.IsNullOrWhiteSpace(EncryptionKey) ? Encryption.EncryptionKey.Resolve(KeyFile, defaultKeyFile) : Encryption.EncryptionKey.Decode(EncryptionKey.Trim(), nameof(EncryptionKey));
}
