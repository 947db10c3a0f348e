namespace MagentoOAuth.Signing;

/// <summary>The signature methods Magento's OAuth provider knows.</summary>
public enum OAuthSignatureMethod
{
    /// <summary><c>HMAC-SHA256</c>: the only method Magento 2.4.4 and later accept.</summary>
    HmacSha256 = 0,

    /// <summary><c>HMAC-SHA1</c>: accepted by Magento 2.4.0–2.4.3 only; use it for old stores that ask for it.</summary>
    HmacSha1 = 1,
}
