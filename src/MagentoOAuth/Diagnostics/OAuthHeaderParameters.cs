namespace MagentoOAuth.Diagnostics;

/// <summary>
/// The OAuth parameters of an <c>Authorization</c> header, read as Magento reads them (Magento:
/// F/Oauth/Helper/Request.php <c>_processHeader</c>): only when the value starts with <c>OAuth </c> (any case); split on
/// ',' and then on the first '='; names matching <c>oauth_[a-z_-]+</c>; values unquoted and rawurldecoded; realm ignored.
/// </summary>
internal static class OAuthHeaderParameters
{
    public static bool IsOAuth(string? header) => header is not null && header.TrimStart().StartsWith("oauth ", StringComparison.OrdinalIgnoreCase);

    public static List<KeyValuePair<string, string>> Parse(string header)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        string rest = header.TrimStart()[6..];
        foreach (string part in rest.Split(','))
        {
            string pair = part.Trim();
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            string name = Uri.UnescapeDataString(pair[..equals]);
            if (!name.StartsWith("oauth_", StringComparison.Ordinal))
            {
                continue;
            }

            parameters.Add(new(name, Uri.UnescapeDataString(pair[(equals + 1)..].Trim('"'))));
        }

        return parameters;
    }
}
