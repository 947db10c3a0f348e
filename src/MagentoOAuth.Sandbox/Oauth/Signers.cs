using System.Security.Cryptography;

namespace MagentoOAuth.Sandbox.Oauth;

/// <summary>The signature Magento computes for a request, per signer generation.</summary>
internal static class Signers
{
    /// <summary>Returns the base64 signature Magento would expect, and the base string it signed.</summary>
    public static (string Signature, string BaseString) Compute(
        SignerGeneration generation, PhpArray parameters, string httpMethod, string requestUrl, string consumerSecret, string tokenSecret, string signatureMethod)
    {
        string baseString = generation == SignerGeneration.G4
            ? NativeBaseString(parameters, httpMethod, requestUrl)
            : LaminasBaseString(generation, parameters, httpMethod, requestUrl);

        // Both signers: rawurlencode(consumer secret) & rawurlencode(token secret), the '&' always present.
        byte[] key = Php.Bytes.GetBytes(Php.RawUrlEncode(consumerSecret) + "&" + Php.RawUrlEncode(tokenSecret));
        byte[] data = Php.Bytes.GetBytes(baseString);
#pragma warning disable CA5350 // Magento G1 verifies HMAC-SHA1; the sandbox must too.
        byte[] hash = signatureMethod == "HMAC-SHA1" ? HMACSHA1.HashData(key, data) : HMACSHA256.HashData(key, data);
#pragma warning restore CA5350
        return (Convert.ToBase64String(hash), baseString);
    }

    /// <summary>
    /// laminas-oauth <c>AbstractSignature::getBaseSignatureString</c>: every key and value urlEncoded (rawurlencode),
    /// <c>oauth_signature</c> removed, <c>uksort(strnatcmp)</c>, METHOD &amp; url &amp; params.
    /// </summary>
    private static string LaminasBaseString(SignerGeneration generation, PhpArray parameters, string httpMethod, string requestUrl)
    {
        var encoded = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in parameters.Items)
        {
            if (value is not string text)
            {
                // G1–G2: Utility::urlEncode((string) $array) warns "Array to string conversion", which Magento's
                // error handler turns into an exception. G3's prepareRequest already failed on it (see RequestGuards).
                throw new PhpFailure("Warning: Array to string conversion in vendor/laminas/laminas-oauth/src/Http/Utility.php", uncaught: false);
            }

            encoded.Add(new(Php.RawUrlEncode(key), Php.RawUrlEncode(text)));
        }

        encoded.RemoveAll(p => p.Key == "oauth_signature");
        encoded.Sort((a, b) => Php.StrNatCmp(a.Key, b.Key));
        string normalizedUrl = UrlNormalizer.Laminas(requestUrl, decodeReservedEscapes: generation != SignerGeneration.G3);
        string query = string.Join('&', encoded.Select(p => p.Key + "=" + p.Value));
        return httpMethod.ToUpperInvariant() + "&" + Php.RawUrlEncode(normalizedUrl) + "&" + Php.RawUrlEncode(query);
    }

    /// <summary>
    /// G4 <c>Helper/Signature/Hmac</c>: <c>buildRequestParams</c> merges <c>parse_str(query)</c> over the collected
    /// parameters and drops arrays; <c>normalizeParameters</c> ksorts the decoded keys and rawurlencodes each pair.
    /// </summary>
    private static string NativeBaseString(PhpArray parameters, string httpMethod, string requestUrl)
    {
        var merged = new PhpArray();
        foreach (var (key, value) in parameters.Items)
        {
            merged.Set(key, value);
        }

        int question = requestUrl.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            foreach (var (key, value) in PhpArray.ParseStr(requestUrl[(question + 1)..]).Items)
            {
                merged.Set(key, value);
            }
        }

        foreach (string key in merged.Items.Select(i => i.Key).ToList())
        {
            if (Php.IsIntegerKey(key))
            {
                // removeNestedArrays calls str_contains on an integer key under strict_types.
                throw new PhpFailure("TypeError: str_contains(): Argument #1 ($haystack) must be of type string, int given", uncaught: true);
            }

            int open = key.IndexOf('[', StringComparison.Ordinal);
            if (open > 0 && key.IndexOf(']', open) > 0 && merged[key[..open]] is PhpArray)
            {
                merged.Remove(key[..open]);
            }
        }

        var pairs = merged.Items
            .Where(p => p.Key != "oauth_signature" && p.Value is string)
            .OrderBy(p => p.Key, Comparer<string>.Create(Php.CompareKeys))
            .Select(p => Php.RawUrlEncode(p.Key) + "=" + Php.RawUrlEncode((string)p.Value));
        return httpMethod.ToUpperInvariant() + "&" + Php.RawUrlEncode(UrlNormalizer.Native(requestUrl)) + "&" + Php.RawUrlEncode(string.Join('&', pairs));
    }
}
