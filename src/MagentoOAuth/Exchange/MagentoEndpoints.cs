namespace MagentoOAuth.Exchange;

/// <summary>The URLs of a store's OAuth and REST endpoints, built from the <c>store_base_url</c> Magento posts.</summary>
public static class MagentoEndpoints
{
    /// <summary>
    /// Checks and normalises a store base URL: absolute http(s), no query or fragment, no user info, ending in '/'.
    /// <c>https://shop.example.com/index.php/</c> stays as it is: Magento's token routes live under it when rewrites are off.
    /// </summary>
    /// <param name="storeBaseUrl">The base URL, e.g. <c>https://shop.example.com/</c>.</param>
    /// <exception cref="ArgumentException">The URL cannot be a store base URL.</exception>
    public static Uri NormalizeBaseUrl(Uri storeBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(storeBaseUrl);
        if (!storeBaseUrl.IsAbsoluteUri || (storeBaseUrl.Scheme != Uri.UriSchemeHttps && storeBaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"The store base URL must be an absolute http(s) URL, like https://shop.example.com/ (got '{(storeBaseUrl.IsAbsoluteUri ? storeBaseUrl.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) : "a relative URL")}').", nameof(storeBaseUrl));
        }

        if (storeBaseUrl.Query.Length > 0 || storeBaseUrl.Fragment.Length > 0 || storeBaseUrl.UserInfo.Length > 0)
        {
            throw new ArgumentException("The store base URL must have no query, fragment or user name.", nameof(storeBaseUrl));
        }

        return storeBaseUrl.AbsolutePath.EndsWith('/') ? storeBaseUrl : new Uri(storeBaseUrl.AbsoluteUri + "/");
    }

    /// <summary><c>{base}oauth/token/request</c> (Magento: I/etc/frontend/routes.xml, I/Controller/Token/Request.php).</summary>
    /// <param name="storeBaseUrl">The store base URL.</param>
    public static Uri RequestToken(Uri storeBaseUrl) => new(NormalizeBaseUrl(storeBaseUrl), "oauth/token/request");

    /// <summary><c>{base}oauth/token/access</c> (Magento: I/Controller/Token/Access.php).</summary>
    /// <param name="storeBaseUrl">The store base URL.</param>
    public static Uri AccessToken(Uri storeBaseUrl) => new(NormalizeBaseUrl(storeBaseUrl), "oauth/token/access");

    /// <summary>
    /// The REST root <c>{base}rest/</c>; a path such as <c>V1/products</c> or <c>default/V1/orders</c> goes after it.
    /// An <c>index.php/</c> in the base URL is kept, as the storefront routes need it.
    /// </summary>
    /// <param name="storeBaseUrl">The store base URL.</param>
    public static Uri RestRoot(Uri storeBaseUrl) => new(NormalizeBaseUrl(storeBaseUrl), "rest/");
}
