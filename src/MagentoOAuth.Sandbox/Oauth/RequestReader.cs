namespace MagentoOAuth.Sandbox.Oauth;

/// <summary>
/// Magento's <c>F/Oauth/Helper/Request::prepareRequest</c>: collects the OAuth parameters of a request from the
/// Authorization header, an <c>application/x-www-form-urlencoded</c> body and the query, in that order, into one PHP array.
/// </summary>
internal static class RequestReader
{
    /// <param name="authorization">The Authorization header, or null.</param>
    /// <param name="contentType">The Content-Type header, or null.</param>
    /// <param name="body">The body as bytes (Latin-1 string), or null.</param>
    /// <param name="requestUrl">scheme://HTTP_HOST + REQUEST_URI, as received.</param>
    public static PhpArray Read(string? authorization, string? contentType, string? body, string requestUrl)
    {
        var parameters = new PhpArray();
        if (!ProcessHeader(authorization, parameters))
        {
            return parameters;
        }

        // Magento: a case-sensitive prefix test, so "Application/X-WWW-Form-Urlencoded" bodies are not signed.
        if (body is not null && contentType is not null && contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal))
        {
            bool headerGaveNone = parameters.Count == 0;
            foreach (var (name, value) in PhpArray.ParseStr(body).Items)
            {
                if (!IsProtocolParameter(name) || headerGaveNone)
                {
                    parameters.Set(name, value);
                }
            }
        }

        int question = requestUrl.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            ExtractQueryStringParams(parameters, requestUrl[(question + 1)..]);
        }

        return parameters;
    }

    /// <summary>Magento's <c>_isProtocolParameter</c>: <c>preg_match('/oauth_[a-z_-]+/', $name)</c>, not anchored.</summary>
    public static bool IsProtocolParameter(string name)
    {
        int at = name.IndexOf("oauth_", StringComparison.Ordinal);
        while (at >= 0)
        {
            int next = at + 6;
            if (next < name.Length && (char.IsAsciiLetterLower(name[next]) || name[next] is '_' or '-'))
            {
                return true;
            }

            at = name.IndexOf("oauth_", at + 1, StringComparison.Ordinal);
        }

        return false;
    }

    /// <summary>
    /// <c>_extractQueryStringParams</c>: explode on '&amp;' and '='; pairs with exactly two parts, not protocol names,
    /// rawurldecoded (so '+' stays '+'); a later pair replaces an earlier one of the same name.
    /// </summary>
    public static void ExtractQueryStringParams(PhpArray parameters, string query)
    {
        foreach (string pair in query.Split('&'))
        {
            string[] parts = pair.Split('=');
            if (parts.Length == 2 && !IsProtocolParameter(parts[0]))
            {
                parameters.Set(Php.RawUrlDecode(parts[0]), Php.RawUrlDecode(parts[1]));
            }
        }
    }

    /// <summary>
    /// <c>_processHeader</c>: needs "oauth " anywhere in the header (case-insensitive); then comma-separated
    /// <c>name="value"</c> pairs, only protocol names kept (so <c>realm</c> is not), both rawurldecoded.
    /// </summary>
    private static bool ProcessHeader(string? header, PhpArray parameters)
    {
        int at = header is null ? -1 : header.IndexOf("oauth ", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return false;
        }

        foreach (string part in header![(at + 6)..].Split(','))
        {
            string[] nameAndValue = part.Trim().Split('=', 2);
            if (nameAndValue.Length == 2 && IsProtocolParameter(nameAndValue[0]))
            {
                parameters.Set(Php.RawUrlDecode(nameAndValue[0]), Php.RawUrlDecode(nameAndValue[1].Trim('"')));
            }
        }

        return true;
    }
}
