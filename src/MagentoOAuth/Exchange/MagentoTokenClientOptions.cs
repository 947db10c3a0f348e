using MagentoOAuth.Signing;

namespace MagentoOAuth.Exchange;

/// <summary>Options for <see cref="MagentoTokenClient"/>.</summary>
public sealed class MagentoTokenClientOptions
{
    /// <summary>The signature method; HMAC-SHA256 unless the store is 2.4.0–2.4.3 and asks for HMAC-SHA1.</summary>
    public OAuthSignatureMethod SignatureMethod { get; set; } = OAuthSignatureMethod.HmacSha256;

    /// <summary>How the store builds its base string; token URLs are portable, so the default fits every store.</summary>
    public SignatureProfile Profile { get; set; } = SignatureProfile.Rfc5849;
}
