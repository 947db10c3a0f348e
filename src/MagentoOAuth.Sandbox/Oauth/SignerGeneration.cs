namespace MagentoOAuth.Sandbox.Oauth;

/// <summary>Which Magento 2.4.x OAuth signer the sandbox imitates.</summary>
public enum SignerGeneration
{
    /// <summary>2.4.0–2.4.3: laminas-oauth; HMAC-SHA1 and HMAC-SHA256.</summary>
    G1 = 1,

    /// <summary>2.4.4 to about 2.4.7: laminas-oauth; HMAC-SHA256 only.</summary>
    G2 = 2,

    /// <summary>About 2.4.7-pN: laminas signer with Magento's own URL normaliser; HMAC-SHA256 only.</summary>
    G3 = 3,

    /// <summary>About 2.4.8 and 2.4-develop: Magento's native signer; HMAC-SHA256 only.</summary>
    G4 = 4,
}
