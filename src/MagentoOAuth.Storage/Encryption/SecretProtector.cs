using System.Security.Cryptography;
using System.Text;

namespace MagentoOAuth.Storage.Encryption;

/// <summary>
/// Encrypts secrets at rest with AES-256-GCM. Each value is bound to where it lives (store id and field name, as
/// associated data), so a ciphertext copied to another row or field does not decrypt. Format:
/// <c>v1:</c> + base64(12-byte nonce ‖ ciphertext ‖ 16-byte tag). The key never goes into the database.
/// </summary>
public sealed class SecretProtector
{
    private const string Prefix = "v1:";
    private readonly byte[] _key;

    /// <summary>Creates a protector with a 32-byte key.</summary>
    /// <param name="key">32 random bytes.</param>
    public SecretProtector(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != 32)
        {
            throw new ArgumentException("The encryption key must be 32 bytes (base64 of 32 random bytes).", nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>Encrypts <paramref name="plaintext"/> for the field <paramref name="field"/> of row <paramref name="rowId"/>.</summary>
    public string? Protect(string? plaintext, Guid rowId, string field)
    {
        if (plaintext is null)
        {
            return null;
        }

        byte[] data = Encoding.UTF8.GetBytes(plaintext);
        byte[] output = new byte[12 + data.Length + 16];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(output.AsSpan(0, 12), data, output.AsSpan(12, data.Length), output.AsSpan(12 + data.Length), Associated(rowId, field));
        CryptographicOperations.ZeroMemory(data);
        return Prefix + Convert.ToBase64String(output);
    }

    /// <summary>Decrypts a value written by <see cref="Protect"/> for the same row and field.</summary>
    /// <exception cref="CryptographicException">Wrong key, tampered value, or a value from another row or field.</exception>
    public string? Unprotect(string? protectedValue, Guid rowId, string field)
    {
        if (protectedValue is null)
        {
            return null;
        }

        if (!protectedValue.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new CryptographicException($"The stored {field} is not in a known encrypted format.");
        }

        byte[] input = Convert.FromBase64String(protectedValue[Prefix.Length..]);
        if (input.Length < 28)
        {
            throw new CryptographicException($"The stored {field} is truncated.");
        }

        byte[] data = new byte[input.Length - 28];
        using var aes = new AesGcm(_key, 16);
        try
        {
            aes.Decrypt(input.AsSpan(0, 12), input.AsSpan(12, data.Length), input.AsSpan(12 + data.Length), data, Associated(rowId, field));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException($"The stored {field} cannot be decrypted: a different encryption key, or the value was altered.", e);
        }

        return Encoding.UTF8.GetString(data);
    }

    private static byte[] Associated(Guid rowId, string field) => Encoding.UTF8.GetBytes(rowId.ToString("N") + "/" + field);
}
