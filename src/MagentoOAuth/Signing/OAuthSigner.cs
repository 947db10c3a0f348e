using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MagentoOAuth.Signing;

/// <summary>
/// Signs requests with OAuth 1.0a (RFC 5849 §3) the way Magento verifies them, producing the
/// <c>Authorization: OAuth …</c> header value. Thread-safe; share one instance.
/// </summary>
public sealed class OAuthSigner
{
    private const int NonceLength = 32;
    private const int MaxProtocolParameters = 7;
    private static ReadOnlySpan<byte> NonceAlphabet => "0123456789abcdefghijklmnopqrstuv"u8;

    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a signer that takes timestamps from <paramref name="timeProvider"/> (the system clock by default).</summary>
    /// <param name="timeProvider">The clock for <c>oauth_timestamp</c>.</param>
    public OAuthSigner(TimeProvider? timeProvider = null) => _timeProvider = timeProvider ?? TimeProvider.System;

    /// <summary>A signer on the system clock.</summary>
    public static OAuthSigner Default { get; } = new();

    /// <summary>Signs <paramref name="request"/> and returns the <c>Authorization</c> header value (<c>OAuth …</c>).</summary>
    /// <param name="request">The request as it will be sent.</param>
    /// <param name="credentials">The consumer and, after the first step, token credentials.</param>
    public string CreateAuthorizationHeader(in OAuthRequest request, OAuthCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        Span<byte> nonce = stackalloc byte[NonceLength];
        Span<byte> timestamp = stackalloc byte[20];
        ReadOnlySpan<byte> nonceValue = request.Nonce is null ? CreateNonce(nonce) : default;
        ReadOnlySpan<byte> timestampValue = FormatTimestamp(request, timestamp);

        var parameters = new ParameterList(16);
        var buffer = new ByteWriter(1024);
        try
        {
            Span<ParameterList.Entry> protocol = stackalloc ParameterList.Entry[MaxProtocolParameters];
            protocol = protocol[..BuildBaseString(request, credentials, nonceValue, timestampValue, ref parameters, ref buffer, protocol)];
            Span<byte> signature = stackalloc byte[HMACSHA256.HashSizeInBytes];
            signature = signature[..credentials.ComputeHmac(request.SignatureMethod, buffer.WrittenSpan, signature)];

            // The base string is spent: its buffer takes the header, built from the values already encoded for it.
            buffer.Clear();
            WriteHeader(ref buffer, parameters, protocol, signature);
            return ToAsciiString(buffer.Buffer, buffer.Length);
        }
        finally
        {
            parameters.Dispose();
            buffer.Dispose();
        }
    }

    /// <summary>The header bytes as a string in one widening pass (Encoding.ASCII counts, then converts).</summary>
    private static string ToAsciiString(byte[] bytes, int length) =>
        string.Create(length, bytes, static (chars, source) => System.Text.Ascii.ToUtf16(source.AsSpan(0, chars.Length), chars, out _));

    /// <summary>
    /// Signs <paramref name="request"/> and returns every intermediate value: the collected parameters, the base
    /// string and the signature, with the secrets of the signing key masked. For diagnosing "The signature is invalid".
    /// </summary>
    /// <param name="request">The request as it will be sent.</param>
    /// <param name="credentials">The credentials to sign with.</param>
    public OAuthSignatureDetails Explain(in OAuthRequest request, OAuthCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ReadOnlySpan<byte> generatedNonce = request.Nonce is null ? CreateNonce(stackalloc byte[NonceLength]) : default;
        ReadOnlySpan<byte> timestampBytes = FormatTimestamp(request, stackalloc byte[20]);
        string nonce = request.Nonce ?? Encoding.ASCII.GetString(generatedNonce);
        string timestamp = Encoding.ASCII.GetString(timestampBytes);

        var parameters = new ParameterList(16);
        var baseString = new ByteWriter(512);
        var baseUri = new ByteWriter(256);
        var header = new ByteWriter(512);
        try
        {
            Span<ParameterList.Entry> protocol = stackalloc ParameterList.Entry[MaxProtocolParameters];
            protocol = protocol[..BuildBaseString(request, credentials, generatedNonce, timestampBytes, ref parameters, ref baseString, protocol)];
            BaseUriRules.Write(ref baseUri, request.Uri, request.Host, request.Profile);
            Span<byte> signature = stackalloc byte[HMACSHA256.HashSizeInBytes];
            signature = signature[..credentials.ComputeHmac(request.SignatureMethod, baseString.WrittenSpan, signature)];
            WriteHeader(ref header, parameters, protocol, signature);

            var collected = new List<KeyValuePair<string, string>>(parameters.Count);
            for (int i = 0; i < parameters.Count; i++)
            {
                collected.Add(new(OnceEncoded(parameters, parameters.Name(i)), OnceEncoded(parameters, parameters.Value(i))));
            }

            return new OAuthSignatureDetails
            {
                Parameters = collected,
                BaseUri = Encoding.ASCII.GetString(baseUri.WrittenSpan),
                BaseString = Encoding.ASCII.GetString(baseString.WrittenSpan),
                MaskedSigningKey = MaskedKey(credentials),
                Signature = Convert.ToBase64String(signature),
                Nonce = nonce,
                Timestamp = timestamp,
                AuthorizationHeader = Encoding.ASCII.GetString(header.WrittenSpan),
            };
        }
        finally
        {
            parameters.Dispose();
            baseString.Dispose();
            baseUri.Dispose();
            header.Dispose();
        }
    }

    private static string OnceEncoded(in ParameterList parameters, ReadOnlySpan<byte> stored)
    {
        // Explain is for people reading it, not a hot path: a plain array is fine.
        byte[] once = new byte[stored.Length];
        return Encoding.ASCII.GetString(once, 0, parameters.CopyEncodedOnce(once, stored));
    }

    /// <summary>The wire name of a signature method (<c>HMAC-SHA256</c>).</summary>
    /// <param name="method">The method.</param>
    public static string GetWireName(OAuthSignatureMethod method) => method switch
    {
        OAuthSignatureMethod.HmacSha256 => "HMAC-SHA256",
        OAuthSignatureMethod.HmacSha1 => "HMAC-SHA1",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown signature method."),
    };

    /// <summary>
    /// RFC 5849 §3.4.1: <c>METHOD &amp; encode(base URI) &amp; encode(normalized parameters)</c>, with the parameters
    /// collected, read and sorted the way <see cref="OAuthRequest.Profile"/> does. The protocol parameters' entries are
    /// copied to <paramref name="protocol"/> (in header order) before sorting; returns how many there are.
    /// <paramref name="generatedNonce"/> is used when the request does not fix one.
    /// </summary>
    internal static int BuildBaseString(
        in OAuthRequest request,
        OAuthCredentials credentials,
        ReadOnlySpan<byte> generatedNonce,
        ReadOnlySpan<byte> timestamp,
        ref ParameterList parameters,
        ref ByteWriter destination,
        Span<ParameterList.Entry> protocol = default)
    {
        if (request.Uri is null || request.Method is null)
        {
            throw new ArgumentException("The request has no method or URL: create it with new OAuthRequest(method, uri).", nameof(request));
        }

        if (request.SignatureMethod is not (OAuthSignatureMethod.HmacSha256 or OAuthSignatureMethod.HmacSha1))
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.SignatureMethod, "Unknown signature method.");
        }

        if (request.Host is { } host && (host.Length == 0 || host.AsSpan().ContainsAnyExceptInRange('!', '~')))
        {
            throw new ArgumentException($"The Host header '{host}' is not what HTTP can send: printable ASCII only (an internationalised domain in its xn-- form).", nameof(request));
        }

        SignatureProfile profile = request.Profile;
        parameters.StoreTwiceEncoded = profile == SignatureProfile.Rfc5849;
        ReadOnlySpan<char> query = BaseUriRules.QueryOf(request.Uri);

        // The protocol parameters, then at most five bytes per character of query and body: one buffer, no regrowth
        // (up to a megabyte; a larger body grows as it is read).
        long most = 384L + (PercentEncoding.MaxEscapeLength * ((long)query.Length + (request.FormBody?.Length ?? 0)));
        parameters.ReserveText((int)Math.Min(most, 1 << 20));
        parameters.AddProtocolEncoded("oauth_consumer_key"u8, credentials.EncodedConsumerKey);
        if (request.Nonce is { } fixedNonce)
        {
            parameters.AddProtocol("oauth_nonce"u8, fixedNonce);
        }
        else
        {
            parameters.AddProtocolUnreserved("oauth_nonce"u8, generatedNonce);
        }

        parameters.AddProtocolUnreserved("oauth_signature_method"u8, request.SignatureMethod == OAuthSignatureMethod.HmacSha1 ? "HMAC-SHA1"u8 : "HMAC-SHA256"u8);
        parameters.AddProtocolUnreserved("oauth_timestamp"u8, timestamp);
        if (credentials.Token is not null)
        {
            parameters.AddProtocolEncoded("oauth_token"u8, credentials.EncodedToken);
        }

        if (request.Verifier is not null)
        {
            parameters.AddProtocol("oauth_verifier"u8, request.Verifier);
        }

        if (!request.OmitVersion)
        {
            parameters.AddProtocolUnreserved("oauth_version"u8, "1.0"u8);
        }

        int protocolCount = parameters.Count;
        for (int i = 0; i < protocolCount && i < protocol.Length; i++)
        {
            protocol[i] = parameters.EntryAt(i);
        }

        if (request.FormBody is { Length: > 0 } body)
        {
            ParameterRules.CollectForm(ref parameters, body, profile);
        }

        if (!query.IsEmpty)
        {
            ParameterRules.CollectQuery(ref parameters, query, profile);
        }

        if (profile != SignatureProfile.Rfc5849)
        {
            parameters.KeepLastOfEachName();
        }

        parameters.Sort(profile switch
        {
            SignatureProfile.Rfc5849 => ParameterOrder.Ordinal,
            SignatureProfile.MagentoG4 => ParameterOrder.DecodedName,
            _ => ParameterOrder.Natural,
        });

        AppendMethod(ref destination, request.Method);
        destination.Append((byte)'&');
        BaseUriRules.WriteEncoded(ref destination, request.Uri, request.Host, profile);
        destination.Append((byte)'&');
        parameters.WriteNormalizedEncoded(ref destination);
        return Math.Min(protocolCount, protocol.Length);
    }

    private static void AppendMethod(ref ByteWriter destination, string method)
    {
        foreach (char c in method)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or '-' or '_'))
            {
                throw new ArgumentException($"'{method}' is not an HTTP method.", nameof(method));
            }

            destination.Append((byte)char.ToUpperInvariant(c));
        }
    }

    // A per-thread buffer of cryptographic random bytes: one RNG call serves 128 nonces. Nonces are not secret (they
    // travel in the header); they must only be unpredictable and unique. Used bytes are never served twice.
    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_randomPosition;

    /// <summary>
    /// 32 characters of <c>[0-9a-v]</c>, one random byte each: 32 symbols divide 256, so there is no bias and no
    /// rejection loop, and 160 bits are far more than a nonce needs (Magento only wants it unique per consumer).
    /// </summary>
    private static ReadOnlySpan<byte> CreateNonce(Span<byte> destination)
    {
        byte[]? buffer = t_random;
        if (buffer is null)
        {
            t_random = buffer = new byte[4096];
            t_randomPosition = buffer.Length;
        }

        // The position lives in a local: each thread-static access is a TLS lookup.
        int position = t_randomPosition;
        if (position > buffer.Length - destination.Length)
        {
            RandomNumberGenerator.Fill(buffer);
            position = 0;
        }

        ReadOnlySpan<byte> random = buffer.AsSpan(position, destination.Length);
        ReadOnlySpan<byte> alphabet = NonceAlphabet;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = alphabet[random[i] & 31];
        }

        t_randomPosition = position + destination.Length;
        return destination;
    }

    private ReadOnlySpan<byte> FormatTimestamp(in OAuthRequest request, Span<byte> destination)
    {
        long seconds = request.Timestamp ?? _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        seconds.TryFormat(destination, out int written, default, CultureInfo.InvariantCulture);
        return destination[..written];
    }

    private static string MaskedKey(OAuthCredentials credentials) =>
        credentials.TokenSecret is null
            ? $"<consumer secret, {credentials.ConsumerSecret.Length} chars>&"
            : $"<consumer secret, {credentials.ConsumerSecret.Length} chars>&<token secret, {credentials.TokenSecret.Length} chars>";

    /// <summary>
    /// RFC 5849 §3.5.1: parameters in the header, values encoded and quoted, separated by ", ". The protocol parameters
    /// come in name order, so the signature goes right after <c>oauth_nonce</c>, the second.
    /// </summary>
    private static void WriteHeader(ref ByteWriter header, in ParameterList parameters, ReadOnlySpan<ParameterList.Entry> protocol, ReadOnlySpan<byte> signature)
    {
        Span<byte> base64 = stackalloc byte[44];
        System.Buffers.Text.Base64.EncodeToUtf8(signature, base64, out _, out int base64Length);
        base64 = base64[..base64Length];

        // Written into one span sized for the longest outcome (stored values are at least as long as their header form,
        // a base64 character at most 3 bytes once escaped), then advanced by what was written.
        int most = "OAuth , oauth_signature=\"\""u8.Length + (base64.Length * 3);
        foreach (ParameterList.Entry entry in protocol)
        {
            most += entry.NameLength + entry.ValueLength + "=\"\", "u8.Length;
        }

        Span<byte> span = header.GetSpan(most);
        int at = Copy(span, 0, "OAuth "u8);
        for (int i = 0; i < protocol.Length; i++)
        {
            if (i > 0)
            {
                at = Copy(span, at, ", "u8);
            }

            at = Copy(span, at, parameters.NameOf(protocol[i]));
            at = Copy(span, at, "=\""u8);
            at += parameters.CopyEncodedOnce(span[at..], parameters.ValueOf(protocol[i]));
            span[at++] = (byte)'"';
            if (i == 1)
            {
                at = Copy(span, at, ", oauth_signature=\""u8);
                at = CopyEscapedBase64(span, at, base64);
                span[at++] = (byte)'"';
            }
        }

        header.Advance(at);
    }

    private static int Copy(Span<byte> destination, int at, ReadOnlySpan<byte> source)
    {
        source.CopyTo(destination[at..]);
        return at + source.Length;
    }

    /// <summary>Base64 needs escaping only for '+', '/' and '=': a few per signature.</summary>
    private static int CopyEscapedBase64(Span<byte> destination, int at, ReadOnlySpan<byte> base64)
    {
        while (true)
        {
            int special = base64.IndexOfAny((byte)'+', (byte)'/', (byte)'=');
            if (special < 0)
            {
                return Copy(destination, at, base64);
            }

            at = Copy(destination, at, base64[..special]);
            at = Copy(destination, at, base64[special] switch
            {
                (byte)'+' => "%2B"u8,
                (byte)'/' => "%2F"u8,
                _ => "%3D"u8,
            });
            base64 = base64[(special + 1)..];
        }
    }
}
