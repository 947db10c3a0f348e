namespace MagentoOAuth.Signing;

/// <summary>
/// Every step of one signature, for explaining it. Contains no secret, but does contain <c>oauth_token</c>, which is a
/// credential on its own for stores that accept integration tokens as Bearer: treat it like the Authorization header.
/// </summary>
public sealed record OAuthSignatureDetails
{
    /// <summary>The collected parameters, percent-encoded and in signing order (RFC 5849 §3.4.1.3).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; }

    /// <summary>The base string URI (RFC 5849 §3.4.1.2), before encoding.</summary>
    public required string BaseUri { get; init; }

    /// <summary>The signature base string (RFC 5849 §3.4.1).</summary>
    public required string BaseString { get; init; }

    /// <summary>The shape of the signing key, secrets replaced by their lengths.</summary>
    public required string MaskedSigningKey { get; init; }

    /// <summary>The signature, base64.</summary>
    public required string Signature { get; init; }

    /// <summary>The nonce used.</summary>
    public required string Nonce { get; init; }

    /// <summary>The timestamp used, in Unix seconds.</summary>
    public required string Timestamp { get; init; }

    /// <summary>The <c>Authorization</c> header value.</summary>
    public required string AuthorizationHeader { get; init; }
}
