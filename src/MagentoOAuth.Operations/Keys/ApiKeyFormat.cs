using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace MagentoOAuth.Operations.Keys;

/// <summary>
/// <c>mok_{id}_{secret}</c>: a 12-character public id (finds the row) and a 43-character secret (256 random bits,
/// base64url). Only the secret's SHA-256 is stored; the prefix lets secret scanners recognise a leaked key.
/// </summary>
internal static class ApiKeyFormat
{
    public const string Prefix = "mok_";
    private const int IdLength = 12;
    private const int SecretLength = 43;
    private const string IdAlphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    public static (string Key, string KeyId, string SecretHash) Create()
    {
        Span<char> id = stackalloc char[IdLength];
        for (int i = 0; i < id.Length; i++)
        {
            id[i] = IdAlphabet[RandomNumberGenerator.GetInt32(IdAlphabet.Length)];
        }

        string secret = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        string keyId = new(id);
        return ($"{Prefix}{keyId}_{secret}", keyId, Hash(secret));
    }

    public static bool TryParse(string presented, [NotNullWhen(true)] out string? keyId, [NotNullWhen(true)] out string? secret)
    {
        keyId = secret = null;
        if (presented.Length != Prefix.Length + IdLength + 1 + SecretLength || !presented.StartsWith(Prefix, StringComparison.Ordinal) || presented[Prefix.Length + IdLength] != '_')
        {
            return false;
        }

        keyId = presented.Substring(Prefix.Length, IdLength);
        secret = presented[(Prefix.Length + IdLength + 1)..];
        return keyId.All(c => IdAlphabet.Contains(c, StringComparison.Ordinal)) && secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(secret)));

    /// <summary>Compares hex hashes in constant time (the length is public).</summary>
    public static bool HashMatches(string secret, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(storedHash));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
