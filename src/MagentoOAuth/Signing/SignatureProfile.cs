namespace MagentoOAuth.Signing;

/// <summary>
/// How the server builds the signature base string. Magento's signer changed across 2.4.x releases; for ordinary
/// requests every generation agrees with RFC 5849, and <see cref="PortableRequest"/> puts requests in that form.
/// Choose a generation only for a request that cannot be portable (a SKU with <c>/</c>, filter indices 2 and 10 together).
/// </summary>
public enum SignatureProfile
{
    /// <summary>RFC 5849 exactly: byte-order sort, path as sent, repeated names kept. The default.</summary>
    Rfc5849 = 0,

    /// <summary>Magento 2.4.0–2.4.3 (laminas-oauth): natural sort, path escapes such as <c>%2F</c> decoded, HMAC-SHA1 allowed.</summary>
    MagentoG1 = 1,

    /// <summary>Magento 2.4.4 to about 2.4.7: as <see cref="MagentoG1"/>, HMAC-SHA256 only.</summary>
    MagentoG2 = 2,

    /// <summary>Magento about 2.4.7-pN / 2.4.8-beta: natural sort, only unreserved path escapes decoded.</summary>
    MagentoG3 = 3,

    /// <summary>Magento 2.4-develop (about 2.4.8+): native signer; decoded-key sort, raw Host header, path as sent.</summary>
    MagentoG4 = 4,
}
