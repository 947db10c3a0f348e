using System.Security.Cryptography;
using System.Text;

namespace MagentoOAuth.AspNetCore.Lifecycle;

/// <summary>A short, one-way fingerprint of a token, for history and logs.</summary>
internal static class TokenFingerprint
{
    public static string Of(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..12];
}
