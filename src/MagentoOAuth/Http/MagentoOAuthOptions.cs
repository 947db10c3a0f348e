using MagentoOAuth.Signing;

namespace MagentoOAuth.Http;

/// <summary>
/// Options for the signing handler added by <c>AddMagentoOAuth</c>. Give either the four credentials (bindable from
/// configuration) or <see cref="CredentialsProvider"/>, which is asked on every request so rotated credentials apply
/// without a restart. The four credentials are read when IHttpClientFactory creates the handler (every two minutes by
/// default), so a configuration change applies within that handler lifetime.
/// </summary>
public sealed class MagentoOAuthOptions
{
    /// <summary>The integration's consumer key.</summary>
    public string? ConsumerKey { get; set; }

    /// <summary>The integration's consumer secret.</summary>
    public string? ConsumerSecret { get; set; }

    /// <summary>The access token.</summary>
    public string? AccessToken { get; set; }

    /// <summary>The access token secret.</summary>
    public string? AccessTokenSecret { get; set; }

    /// <summary>
    /// Supplies the credentials per request (for many stores, or credentials that rotate). Return the same instance
    /// while the credentials do not change: the HMAC key is cached on it.
    /// </summary>
    public Func<HttpRequestMessage, CancellationToken, ValueTask<OAuthCredentials>>? CredentialsProvider { get; set; }

    /// <summary>OAuth 1.0a signatures (default) or Bearer.</summary>
    public MagentoAuthenticationMode Mode { get; set; } = MagentoAuthenticationMode.OAuth1;

    /// <summary>How the store builds its base string; leave <see cref="SignatureProfile.Rfc5849"/> unless a request cannot be portable.</summary>
    public SignatureProfile Profile { get; set; } = SignatureProfile.Rfc5849;

    /// <summary>The signature method (HMAC-SHA256 by default).</summary>
    public OAuthSignatureMethod SignatureMethod { get; set; } = OAuthSignatureMethod.HmacSha256;

    /// <summary>
    /// Rewrites each request URL into the form every Magento generation reads alike (see <see cref="PortableRequest"/>)
    /// before signing it. On by default; requests that still are not portable are logged as warnings.
    /// </summary>
    public bool PortableRequests { get; set; } = true;

    /// <summary>Throws when the options cannot work, saying what is missing.</summary>
    /// <exception cref="InvalidOperationException">The options are incomplete or contradictory.</exception>
    public void Validate()
    {
        if (CredentialsProvider is not null)
        {
            return;
        }

        string[] missing = new[] { (nameof(ConsumerKey), ConsumerKey), (nameof(ConsumerSecret), ConsumerSecret), (nameof(AccessToken), AccessToken), (nameof(AccessTokenSecret), AccessTokenSecret) }
            .Where(p => string.IsNullOrEmpty(p.Item2) && (Mode == MagentoAuthenticationMode.OAuth1 || p.Item1 == nameof(AccessToken)))
            .Select(p => p.Item1)
            .ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException(
                $"MagentoOAuthOptions needs {string.Join(", ", missing)} (the integration's credentials from the Magento admin), or a CredentialsProvider.");
        }
    }

    internal OAuthCredentials? CreateStaticCredentials() =>
        CredentialsProvider is null && !string.IsNullOrEmpty(AccessToken)
            ? new OAuthCredentials(
                string.IsNullOrEmpty(ConsumerKey) ? "bearer" : ConsumerKey,
                string.IsNullOrEmpty(ConsumerSecret) ? "bearer" : ConsumerSecret,
                AccessToken,
                string.IsNullOrEmpty(AccessTokenSecret) ? "bearer" : AccessTokenSecret)
            : null;
}
