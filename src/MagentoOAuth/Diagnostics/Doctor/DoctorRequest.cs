using MagentoOAuth.Signing;

namespace MagentoOAuth.Diagnostics.Doctor;

/// <summary>What <see cref="StoreDoctor"/> examines: a store base URL, and optionally the integration's credentials.</summary>
public sealed record DoctorRequest
{
    /// <summary>Creates a request for the store at <paramref name="storeBaseUrl"/>.</summary>
    /// <param name="storeBaseUrl">The store's base URL (as Magento posts it in <c>store_base_url</c>), http or https.</param>
    public DoctorRequest(Uri storeBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(storeBaseUrl);
        if (!storeBaseUrl.IsAbsoluteUri || (storeBaseUrl.Scheme != Uri.UriSchemeHttp && storeBaseUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("The store base URL must be an absolute http(s) URL.", nameof(storeBaseUrl));
        }

        StoreBaseUrl = storeBaseUrl.AbsoluteUri.EndsWith('/') ? storeBaseUrl : new Uri(storeBaseUrl.AbsoluteUri + "/");
    }

    /// <summary>The store base URL, ending in '/'.</summary>
    public Uri StoreBaseUrl { get; }

    /// <summary>
    /// The consumer key and secret with the access token and its secret. Without them the checks that need them are
    /// skipped; with only the consumer key, the authorization-header check uses it.
    /// </summary>
    public OAuthCredentials? Credentials { get; init; }

    /// <summary>What the integration must be allowed: REST paths (<c>/V1/orders</c>, read with GET) or ACL resources (<c>Magento_Sales::sales</c>).</summary>
    public IReadOnlyList<string> Needs { get; init; } = [];

    /// <summary>The signer profile already known to work (a stored store's), used for the calls that are not portable.</summary>
    public SignatureProfile Profile { get; init; }

    /// <summary>The longest one check may take; every network step inside it is bounded by it too. 15 s by default.</summary>
    public TimeSpan CheckTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
