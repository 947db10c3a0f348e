using System.Security.Claims;
using MagentoOAuth.Storage;

namespace MagentoOAuth.Operations.Keys;

/// <summary>The claims of a caller authenticated with an API key (Bearer or the dashboard's cookie).</summary>
public static class ApiKeyClaims
{
    /// <summary>The key's name.</summary>
    public const string Name = "magento-oauth/key";

    /// <summary>The key's scope: <c>proxy</c> or <c>admin</c>.</summary>
    public const string Scope = "magento-oauth/scope";

    /// <summary>A store base URL the key may reach (repeated); none for every store.</summary>
    public const string Store = "magento-oauth/store";

    /// <summary>The key's public id (so a cookie session ends when its key is revoked).</summary>
    public const string KeyId = "magento-oauth/key-id";

    /// <summary>The principal of <paramref name="key"/> for <paramref name="scheme"/>.</summary>
    /// <param name="key">The stored key.</param>
    /// <param name="scheme">The authentication scheme.</param>
    public static ClaimsPrincipal Principal(ApiKey key, string scheme)
    {
        ArgumentNullException.ThrowIfNull(key);
        var claims = new List<Claim>
        {
            new(Name, key.Name),
            new(ClaimTypes.Name, key.Name),
            new(Scope, ScopeText(key.Scope)),
            new(KeyId, key.KeyId),
        };
        claims.AddRange(key.Stores.Select(s => new Claim(Store, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, null));
    }

    /// <summary>Whether <paramref name="user"/> may reach the store at <paramref name="storeBaseUrl"/>.</summary>
    /// <param name="user">The caller.</param>
    /// <param name="storeBaseUrl">The store's base URL.</param>
    public static bool MayReach(ClaimsPrincipal user, string storeBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(user);
        var stores = user.FindAll(Store).Select(c => c.Value).ToList();
        return stores.Count == 0 || stores.Contains(storeBaseUrl, StringComparer.Ordinal);
    }

    /// <summary>The scope as written in claims and on the command line.</summary>
    /// <param name="scope">The scope.</param>
    public static string ScopeText(ApiKeyScope scope) => scope == ApiKeyScope.Admin ? "admin" : "proxy";
}
