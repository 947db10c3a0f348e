namespace MagentoOAuth.Signing;

/// <summary>Which query and form-body parameters each server generation signs, and how it reads them.</summary>
internal static class ParameterRules
{
    /// <summary>Adds the query's parameters as <paramref name="profile"/> reads them.</summary>
    public static void CollectQuery(ref ParameterList list, ReadOnlySpan<char> query, SignatureProfile profile)
    {
        switch (profile)
        {
            case SignatureProfile.Rfc5849:
                // RFC 5849 §3.4.1.3.1: the query is form-decoded, so '+' is a space; every pair counts.
                list.AddWirePairs(query, plusIsSpace: true);
                break;
            case SignatureProfile.MagentoG4:
                CollectQueryG4(ref list, query);
                break;
            default:
                CollectQueryLaminas(ref list, query);
                break;
        }
    }

    /// <summary>Adds an <c>application/x-www-form-urlencoded</c> body's parameters.</summary>
    public static void CollectForm(ref ParameterList list, ReadOnlySpan<char> body, SignatureProfile profile)
    {
        if (profile == SignatureProfile.Rfc5849)
        {
            list.AddWirePairs(body, plusIsSpace: true);
            return;
        }

        // Magento: F/Oauth/Helper/Request.php parses the body with parse_str, which renames '.' and ' ' to '_' and
        // keeps the last value; protocol parameters in the body are ignored once the header has any.
        foreach (Range range in body.Split('&'))
        {
            ReadOnlySpan<char> pair = body[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            Split(pair, out ReadOnlySpan<char> name, out ReadOnlySpan<char> value);
            string? phpName = PhpVariableName(name);
            if (phpName is null || IsProtocolParameter(name))
            {
                continue;
            }

            list.AddWire(phpName, value, plusIsSpace: true);
        }
    }

    /// <summary>
    /// Magento's <c>_isProtocolParameter</c>: the unanchored <c>/oauth_[a-z_-]+/</c>, so <c>xoauth_id</c> counts too
    /// (Magento: F/Oauth/Helper/Request.php).
    /// </summary>
    public static bool IsProtocolParameter(ReadOnlySpan<char> name)
    {
        for (int at = name.IndexOf("oauth_", StringComparison.Ordinal); at >= 0;)
        {
            int next = at + "oauth_".Length;
            if (next < name.Length && name[next] is (>= 'a' and <= 'z') or '_' or '-')
            {
                return true;
            }

            int further = name[next..].IndexOf("oauth_", StringComparison.Ordinal);
            at = further < 0 ? -1 : next + further;
        }

        return false;
    }

    /// <summary>True when PHP's parse_str would make an array of this (decoded) name: <c>a[b]</c>, <c>a[]</c>.</summary>
    public static bool IsBracketedName(ReadOnlySpan<char> decodedName)
    {
        int open = decodedName.IndexOf('[');
        return open > 0 && decodedName[open..].Contains(']');
    }

    /// <summary>Splits <c>name=value</c> at the first '='; a pair without one has an empty value (as parse_str reads it).</summary>
    private static void Split(ReadOnlySpan<char> pair, out ReadOnlySpan<char> name, out ReadOnlySpan<char> value)
    {
        int equals = pair.IndexOf('=');
        name = equals < 0 ? pair : pair[..equals];
        value = equals < 0 ? [] : pair[(equals + 1)..];
    }

    /// <summary>
    /// Magento: F/Oauth/Helper/Request.php <c>_extractQueryStringParams</c>: split on '&amp;' then '=', keep pairs with
    /// exactly one '=', rawurldecode (a '+' stays '+'), skip <c>oauth_*</c>, last value wins.
    /// </summary>
    private static void CollectQueryLaminas(ref ParameterList list, ReadOnlySpan<char> query)
    {
        foreach (Range range in query.Split('&'))
        {
            ReadOnlySpan<char> pair = query[range];
            int equals = pair.IndexOf('=');
            if (equals < 0 || pair[(equals + 1)..].Contains('=') || IsProtocolParameter(pair[..equals]))
            {
                continue;
            }

            list.AddWire(pair[..equals], pair[(equals + 1)..], plusIsSpace: false);
        }
    }

    /// <summary>
    /// Magento G4: F/Oauth/Helper/Signature/Hmac.php <c>buildRequestParams</c> takes the pairs above, merges
    /// <c>parse_str(query)</c> over them (urldecode: '+' is a space; '.' and ' ' renamed to '_'; bare names and
    /// <c>a=b=c</c> kept; <c>oauth_*</c> kept) and then drops the arrays parse_str made for bracketed names.
    /// </summary>
    private static void CollectQueryG4(ref ParameterList list, ReadOnlySpan<char> query)
    {
        CollectQueryLaminas(ref list, query);
        Span<char> decodedName = stackalloc char[256];
        List<string>? arrayBases = null;
        foreach (Range range in query.Split('&'))
        {
            ReadOnlySpan<char> pair = query[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            Split(pair, out ReadOnlySpan<char> name, out ReadOnlySpan<char> value);
            ReadOnlySpan<char> decoded = DecodeForTest(name, decodedName);
            if (IsBracketedName(decoded))
            {
                // parse_str makes an array under the base name; removeNestedArrays then drops it, and with it any
                // plain parameter of that name (array_merge let the array replace it).
                (arrayBases ??= []).Add(PercentEncoding.Encode(decoded[..decoded.IndexOf('[')].TrimStart(' ').ToString()));
                continue;
            }

            string? phpName = PhpVariableName(name);
            if (phpName is not null)
            {
                list.AddWire(phpName, value, plusIsSpace: true);
            }
        }

        if (arrayBases is not null)
        {
            foreach (string arrayBase in arrayBases)
            {
                byte[] encodedBase = System.Text.Encoding.ASCII.GetBytes(arrayBase);
                list.RemoveWhere(encodedName => encodedName.SequenceEqual(encodedBase));
            }
        }
    }

    /// <summary>
    /// PHP's variable names (parse_str) on the wire form: <see cref="PhpName"/> of the decoded name, re-encoded when PHP
    /// changes it (an encoded '.' or space, <c>%2E</c>, <c>%20</c>, <c>+</c>, is renamed as well); null when PHP drops it.
    /// </summary>
    private static string? PhpVariableName(ReadOnlySpan<char> wireName)
    {
        string decoded = Uri.UnescapeDataString(wireName.ToString().Replace('+', ' '));
        string? name = PhpName(decoded);
        return name is null ? null : name == decoded ? wireName.ToString() : Uri.EscapeDataString(name);
    }

    /// <summary>
    /// The name PHP's parse_str stores a (decoded) parameter under, as PHP 8's <c>php_register_variable_ex</c>
    /// (main/php_variables.c) makes it: leading spaces dropped; a '.' or ' ' before the first '[' becomes '_'; an array
    /// name (<c>a[b]</c>) keeps its brackets; an unclosed first '[' becomes '_' and so does every later '.', ' ' or '['
    /// (<c>a[b</c> → <c>a_b</c>, <c>a[[b</c> → <c>a__b</c>, <c>a[b.c</c> → <c>a_b_c</c>). Null when PHP drops the name (empty,
    /// or starting with '['). Magento G4 (F/Oauth/Helper/Signature/Hmac.php) and every form body go through it. Checked
    /// against PHP 8.2 (PhpParseStrTests); PHP 7, which only G1 stores (2.4.0–2.4.3) run, is believed to rename less
    /// after an unclosed '[' (not checked), which only their form bodies could see.
    /// </summary>
    internal static string? PhpName(string decodedName)
    {
        ReadOnlySpan<char> name = decodedName.AsSpan().TrimStart(' ');
        int open = name.IndexOf('[');
        if (open == 0 || name.IsEmpty)
        {
            return null;
        }

        var renamed = new System.Text.StringBuilder(name.Length);
        foreach (char c in open < 0 ? name : name[..open])
        {
            renamed.Append(c is '.' or ' ' ? '_' : c);
        }

        if (open < 0)
        {
            return renamed.ToString();
        }

        if (name[open..].Contains(']'))
        {
            return renamed.Append(name[open..]).ToString();
        }

        renamed.Append('_');
        foreach (char c in name[(open + 1)..])
        {
            renamed.Append(c is '.' or ' ' or '[' ? '_' : c);
        }

        return renamed.ToString();
    }

    /// <summary>
    /// Where parse_str stores a (decoded) parameter: its <see cref="PhpName"/>'s base, then the key of each
    /// <c>[key]</c> (an empty key appends); what follows the last ']' is ignored, as PHP does. Null when PHP drops it.
    /// </summary>
    internal static List<string>? PhpPath(string decodedName)
    {
        string? name = PhpName(decodedName);
        int open = name?.IndexOf('[', StringComparison.Ordinal) ?? -1;
        if (name is null || open < 0)
        {
            return name is null ? null : [name];
        }

        var path = new List<string> { name[..open] };
        for (int at = open; at < name.Length && name[at] == '['; )
        {
            int close = name.IndexOf(']', at + 1);
            if (close < 0)
            {
                break;
            }

            path.Add(name[(at + 1)..close]);
            at = close + 1;
        }

        return path;
    }

    private static ReadOnlySpan<char> DecodeForTest(ReadOnlySpan<char> wire, Span<char> buffer)
    {
        // Only '[' and ']' matter here, so a bounded, lossy decode is enough.
        int length = 0;
        for (int i = 0; i < wire.Length && length < buffer.Length; i++)
        {
            if (wire[i] == '%' && PercentEncoding.TryDecodeEscape(wire, i, out byte b))
            {
                buffer[length++] = (char)b;
                i += 2;
            }
            else
            {
                buffer[length++] = wire[i];
            }
        }

        return buffer[..length];
    }
}
