namespace MagentoOAuth.Operations.Proxy;

/// <summary>
/// What a proxied request names, read from the request target exactly as the caller sent it (Kestrel's decoded path
/// would change <c>%2F</c> and other escapes, and Magento signs what it receives): the store reference (decoded), and
/// the part after <c>rest/</c> with the raw query, to append to <c>{storeBaseUrl}rest/</c> byte for byte.
/// </summary>
/// <param name="Store">The store reference: an id, consumer key or store base URL.</param>
/// <param name="RestTail">The escaped path after <c>/rest/</c> and the raw query (with its '?'), or null when the path is not under <c>rest/</c>.</param>
/// <param name="Path">The escaped path without the query, for logs.</param>
internal readonly record struct ProxyTarget(string Store, string? RestTail, string Path)
{
    /// <summary>Reads <c>…/proxy/{store}/rest/{tail}</c>; false when the target has no store segment at all.</summary>
    public static bool TryParse(string rawTarget, out ProxyTarget target)
    {
        target = default;
        int queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        string path = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        string query = queryStart < 0 ? string.Empty : rawTarget[queryStart..];
        int proxy = path.IndexOf("/proxy/", StringComparison.OrdinalIgnoreCase);
        if (proxy < 0)
        {
            return false;
        }

        int storeStart = proxy + "/proxy/".Length;
        int storeEnd = path.IndexOf('/', storeStart);
        string rawStore = storeEnd < 0 ? path[storeStart..] : path[storeStart..storeEnd];
        if (rawStore.Length == 0)
        {
            return false;
        }

        string store = Uri.UnescapeDataString(rawStore);
        string rest = storeEnd < 0 ? string.Empty : path[(storeEnd + 1)..];
        string? tail = null;
        if (rest.Equals("rest", StringComparison.Ordinal) || rest.StartsWith("rest/", StringComparison.Ordinal))
        {
            string restPath = rest.Length > 4 ? rest[5..] : string.Empty;
            tail = HasDotSegment(restPath) ? null : restPath + query;
        }

        target = new ProxyTarget(store, tail, path);
        return true;
    }

    /// <summary>A '.' or '..' segment, escaped or not, would let the URL climb out of <c>rest/</c> once resolved.</summary>
    private static bool HasDotSegment(string path)
    {
        foreach (string segment in path.Split('/'))
        {
            string decoded = Uri.UnescapeDataString(segment);
            if (decoded is "." or ".." || decoded.Contains('/', StringComparison.Ordinal) && decoded.Split('/').Any(s => s is "." or ".."))
            {
                return true;
            }
        }

        return false;
    }
}
