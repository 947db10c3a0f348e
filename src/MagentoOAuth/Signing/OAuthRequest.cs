namespace MagentoOAuth.Signing;

/// <summary>
/// One request to sign: the method and URL as they will be sent, the form body if any, and the protocol values that
/// vary per request. Defaults give a fresh nonce, the current time, HMAC-SHA256 and the RFC 5849 profile.
/// </summary>
public readonly record struct OAuthRequest
{
    /// <summary>Creates a request to sign.</summary>
    /// <param name="method">The HTTP method, e.g. <c>GET</c>; upper-cased in the base string.</param>
    /// <param name="uri">The absolute URL as it will be sent.</param>
    public OAuthRequest(string method, Uri uri)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException("The request URL must be absolute.", nameof(uri));
        }

        Method = method;
        Uri = uri;
    }

    /// <summary>The HTTP method.</summary>
    public string Method { get; }

    /// <summary>The absolute URL as it will be sent.</summary>
    public Uri Uri { get; }

    /// <summary>
    /// The body exactly as sent, when its Content-Type is <c>application/x-www-form-urlencoded</c>; its parameters are
    /// signed. Leave it <see langword="null"/> for JSON, XML and empty bodies, which OAuth 1.0a never signs.
    /// </summary>
    public string? FormBody { get; init; }

    /// <summary><c>oauth_verifier</c>, for the access-token request.</summary>
    public string? Verifier { get; init; }

    /// <summary>A fixed <c>oauth_nonce</c> (for reproducing a signature); by default a fresh random one.</summary>
    public string? Nonce { get; init; }

    /// <summary>A fixed <c>oauth_timestamp</c> in Unix seconds; by default the signer's <see cref="TimeProvider"/>.</summary>
    public long? Timestamp { get; init; }

    /// <summary>
    /// The Host header as your client sends it, when it is not what HttpClient would send (lower-case, no default
    /// port). Only Magento G4 signs it as sent.
    /// </summary>
    public string? Host { get; init; }

    /// <summary>
    /// Leaves <c>oauth_version</c> out. RFC 5849 makes it optional and Magento checks it only when present
    /// (Magento: F/Oauth/Oauth.php <c>_validateProtocolParams</c>); sent by default, as PHP's OAuth class does.
    /// </summary>
    public bool OmitVersion { get; init; }

    /// <summary>The signature method.</summary>
    public OAuthSignatureMethod SignatureMethod { get; init; }

    /// <summary>How the server builds its base string.</summary>
    public SignatureProfile Profile { get; init; }
}
