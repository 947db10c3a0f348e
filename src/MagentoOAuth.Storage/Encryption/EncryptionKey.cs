namespace MagentoOAuth.Storage.Encryption;

/// <summary>
/// Where the encryption key comes from, in order: the environment variable <c>MAGENTO_OAUTH_ENCRYPTION_KEY</c> (base64
/// of 32 random bytes), a key file given explicitly, or (for a SQLite database only) a key file beside the database,
/// created with mode 0600 on first use. The key is never stored in the database.
/// </summary>
public static class EncryptionKey
{
    /// <summary>The environment variable holding the base64 key.</summary>
    public const string EnvironmentVariable = "MAGENTO_OAUTH_ENCRYPTION_KEY";

    /// <summary>Resolves the key as described above.</summary>
    /// <param name="keyFile">An explicit key file (<c>--key-file</c>), or null.</param>
    /// <param name="defaultKeyFile">The key file to create when nothing else is given (beside a SQLite database), or null to require a key.</param>
    /// <exception cref="InvalidOperationException">No key could be found or created, with what to do.</exception>
    public static byte[] Resolve(string? keyFile, string? defaultKeyFile)
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Decode(fromEnvironment.Trim(), EnvironmentVariable);
        }

        if (keyFile is not null)
        {
            if (!File.Exists(keyFile))
            {
                throw new InvalidOperationException($"The key file '{keyFile}' does not exist. Create one with: head -c 32 /dev/urandom | base64 > {keyFile}; chmod 600 {keyFile}");
            }

            return Decode(File.ReadAllText(keyFile).Trim(), keyFile);
        }

        if (defaultKeyFile is null)
        {
            throw new InvalidOperationException($"No encryption key: set {EnvironmentVariable} (base64 of 32 random bytes) or give a key file.");
        }

        if (File.Exists(defaultKeyFile))
        {
            return Decode(File.ReadAllText(defaultKeyFile).Trim(), defaultKeyFile);
        }

        byte[] key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(defaultKeyFile));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        // Created with 0600 from the start, so there is no moment when others can read it.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(defaultKeyFile, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.WriteLine(Convert.ToBase64String(key));
        }

        return key;
    }

    internal static byte[] Decode(string base64, string source)
    {
        try
        {
            byte[] key = Convert.FromBase64String(base64);
            if (key.Length == 32)
            {
                return key;
            }
        }
        catch (FormatException)
        {
        }

        throw new InvalidOperationException($"The encryption key from {source} is not base64 of 32 bytes. Create one with: head -c 32 /dev/urandom | base64");
    }
}
