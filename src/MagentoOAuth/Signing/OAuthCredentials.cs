namespace MagentoOAuth.Signing;

/// <summary>
/// The consumer key and secret of a Magento integration, with the token and token secret once issued. Immutable and
/// thread-safe; the HMAC key is built once per instance, so keep one instance per credential set.
/// <see cref="ToString"/> never shows a secret.
/// </summary>
public sealed class OAuthCredentials
{
    private byte[]? _signingKey;
    private byte[]? _encodedConsumerKey;
    private byte[]? _encodedToken;

    // One keyed HMAC per method, reused: keying costs as much as hashing a base string. A thread takes it with an
    // interlocked exchange and puts it back; a second thread signing at the same moment makes a temporary one.
    private System.Security.Cryptography.IncrementalHash? _hmacSha256;
    private System.Security.Cryptography.IncrementalHash? _hmacSha1;

    /// <summary>Creates credentials for signing.</summary>
    /// <param name="consumerKey">The integration's consumer key.</param>
    /// <param name="consumerSecret">The integration's consumer secret.</param>
    /// <param name="token">The request or access token, or <see langword="null"/> before one is issued.</param>
    /// <param name="tokenSecret">The token's secret; required with <paramref name="token"/>.</param>
    public OAuthCredentials(string consumerKey, string consumerSecret, string? token = null, string? tokenSecret = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerKey);
        ArgumentException.ThrowIfNullOrEmpty(consumerSecret);
        if (token is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(token);
            ArgumentException.ThrowIfNullOrEmpty(tokenSecret, nameof(tokenSecret));
        }
        else if (tokenSecret is not null)
        {
            throw new ArgumentException("A token secret was given without its token.", nameof(tokenSecret));
        }

        ConsumerKey = consumerKey;
        ConsumerSecret = consumerSecret;
        Token = token;
        TokenSecret = tokenSecret;
    }

    /// <summary>The consumer key (<c>oauth_consumer_key</c>).</summary>
    public string ConsumerKey { get; }

    /// <summary>The consumer secret; never sent, only used in the signing key.</summary>
    public string ConsumerSecret { get; }

    /// <summary>The request or access token (<c>oauth_token</c>), if any.</summary>
    public string? Token { get; }

    /// <summary>The token secret, if any.</summary>
    public string? TokenSecret { get; }

    /// <summary>
    /// Credentials whose token secret is empty, as a client that forgot it signs ('secret&amp;'): only for diagnosing
    /// such a signature, so not public.
    /// </summary>
    internal static OAuthCredentials WithEmptyTokenSecret(string consumerKey, string consumerSecret, string token) => new(consumerKey, consumerSecret, token);

    private OAuthCredentials(string consumerKey, string consumerSecret, string token)
    {
        ConsumerKey = consumerKey;
        ConsumerSecret = consumerSecret;
        Token = token;
        TokenSecret = string.Empty;
    }

    /// <summary>Returns copies of these credentials with a token.</summary>
    public OAuthCredentials WithToken(string token, string tokenSecret) => new(ConsumerKey, ConsumerSecret, token, tokenSecret);

    /// <summary>The consumer key percent-encoded (RFC 5849 §3.6), built once.</summary>
    internal byte[] EncodedConsumerKey => _encodedConsumerKey ??= EncodeToBytes(ConsumerKey);

    /// <summary>The token percent-encoded, built once; empty without a token.</summary>
    internal byte[] EncodedToken => _encodedToken ??= EncodeToBytes(Token ?? string.Empty);

    /// <summary>RFC 5849 §3.4.2: <c>encode(consumer secret) &amp; encode(token secret)</c>, as ASCII bytes.</summary>
    internal byte[] SigningKey => _signingKey ??= BuildSigningKey();

    /// <summary>HMAC of <paramref name="data"/> with the signing key, into <paramref name="destination"/>; returns its length.</summary>
    internal int ComputeHmac(OAuthSignatureMethod method, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        ref System.Security.Cryptography.IncrementalHash? slot = ref method == OAuthSignatureMethod.HmacSha1 ? ref _hmacSha1 : ref _hmacSha256;
        System.Security.Cryptography.IncrementalHash hmac = System.Threading.Interlocked.Exchange(ref slot, null)
            ?? System.Security.Cryptography.IncrementalHash.CreateHMAC(
                method == OAuthSignatureMethod.HmacSha1 ? System.Security.Cryptography.HashAlgorithmName.SHA1 : System.Security.Cryptography.HashAlgorithmName.SHA256,
                SigningKey);
        hmac.AppendData(data);
        hmac.TryGetHashAndReset(destination, out int written);
        System.Threading.Interlocked.Exchange(ref slot, hmac)?.Dispose();
        return written;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"OAuthCredentials {{ ConsumerKey = {SecretMask.Mask(ConsumerKey)}, ConsumerSecret = ***, Token = {SecretMask.Mask(Token)}, TokenSecret = {(TokenSecret is null ? "null" : "***")} }}";

    private static byte[] EncodeToBytes(string text)
    {
        var writer = new ByteWriter(text.Length * 3);
        try
        {
            PercentEncoding.AppendEncoded(ref writer, text.AsSpan());
            return writer.WrittenSpan.ToArray();
        }
        finally
        {
            writer.Dispose();
        }
    }

    private byte[] BuildSigningKey()
    {
        var writer = new ByteWriter(64) { ClearOnReturn = true };
        try
        {
            PercentEncoding.AppendEncoded(ref writer, ConsumerSecret.AsSpan());
            writer.Append((byte)'&');
            PercentEncoding.AppendEncoded(ref writer, TokenSecret.AsSpan());
            return writer.WrittenSpan.ToArray();
        }
        finally
        {
            writer.Dispose();
        }
    }
}
