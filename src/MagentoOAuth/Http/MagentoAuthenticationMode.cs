namespace MagentoOAuth.Http;

/// <summary>How <see cref="MagentoOAuthHandler"/> authenticates requests.</summary>
public enum MagentoAuthenticationMode
{
    /// <summary>OAuth 1.0a signature on every request (works on every store).</summary>
    OAuth1 = 0,

    /// <summary>
    /// <c>Authorization: Bearer &lt;access token&gt;</c>. Magento 2.4.4+ accepts this for integration tokens only when
    /// the store enables "Allow OAuth Access Tokens to be used as standalone Bearer tokens" (off by default).
    /// </summary>
    Bearer = 1,
}
