namespace MagentoOAuth.Operations.Keys;

/// <summary>Names used by the admin listener's authentication and authorization.</summary>
public static class MagentoAdminDefaults
{
    /// <summary>The scheme of <c>Authorization: Bearer KEY</c>.</summary>
    public const string ApiKeyScheme = "MagentoOAuthApiKey";

    /// <summary>The dashboard's cookie session, started by signing in with an admin key.</summary>
    public const string CookieScheme = "MagentoOAuthAdminCookie";

    /// <summary>
    /// The admin policy's scheme: the API key when the request carries <c>Authorization: Bearer</c> (scripts, Prometheus),
    /// else the dashboard's cookie session (browsers, sent to the sign-in page when it has none).
    /// </summary>
    public const string AdminScheme = "MagentoOAuthAdmin";

    /// <summary>Policy: a key of any scope (the proxy).</summary>
    public const string ProxyPolicy = "MagentoOAuthProxy";

    /// <summary>Policy: an admin key, as Bearer or as the dashboard's session (dashboard, <c>/metrics</c>).</summary>
    public const string AdminPolicy = "MagentoOAuthAdmin";
}
