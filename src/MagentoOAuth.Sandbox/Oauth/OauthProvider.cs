using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MagentoOAuth.Sandbox.State;

namespace MagentoOAuth.Sandbox.Oauth;

/// <summary>
/// Magento's OAuth provider: <c>F/Oauth/Oauth.php</c> (check order), <c>I/Model/Oauth/Token/Provider.php</c> (token
/// state), <c>I/Model/Oauth/Nonce/Generator.php</c> (nonce and timestamp). Every refusal is an <see cref="OauthError"/>
/// with Magento's phrase and status.
/// </summary>
internal sealed class OauthProvider(SandboxStore store, SandboxOptions options, TimeProvider time)
{
    private const int TimeDeviationSeconds = 600;

    private static readonly string[] RequestTokenParams = ["oauth_consumer_key", "oauth_signature", "oauth_signature_method", "oauth_nonce", "oauth_timestamp"];
    private static readonly string[] AccessTokenParams = [.. RequestTokenParams, "oauth_token", "oauth_verifier"];
    private static readonly string[] ResourceParams = [.. RequestTokenParams, "oauth_token"];

    /// <summary><c>Oauth::getRequestToken</c>: protocol checks, consumer expiry, signature, then the verifier row becomes a request token.</summary>
    public (string Token, string Secret) GetRequestToken(PhpArray parameters, string httpMethod, string requestUrl) => store.Write(state =>
    {
        ConsumerRecord consumer = ValidateProtocolParams(state, parameters, RequestTokenParams);

        // I/Model/Oauth/Consumer::isValidForTokenExchange: expiry > now - updated_at (updated_at is stamped by the callback POST).
        if (time.GetUtcNow() - consumer.UpdatedAt >= options.ConsumerExpiry)
        {
            throw OauthError.Unauthorized("Consumer key has expired");
        }

        ValidateSignature(parameters, consumer.Secret, string.Empty, httpMethod, requestUrl);
        TokenRecord token = TokenOf(state, consumer.Id);
        if (token.Type != TokenRecord.Verifier)
        {
            throw OauthError.Unauthorized("Cannot create request token because consumer token is not a verifier token");
        }

        // Token::createRequestToken overwrites token and secret and keeps the verifier.
        token.Type = TokenRecord.Request;
        token.Token = SandboxStore.NewRandom();
        token.Secret = SandboxStore.NewRandom();
        return (token.Token, token.Secret);
    });

    /// <summary><c>Oauth::getAccessToken</c>: protocol checks, request token and verifier, signature, then conversion to access.</summary>
    public (string Token, string Secret) GetAccessToken(PhpArray parameters, string httpMethod, string requestUrl) => store.Write(state =>
    {
        ConsumerRecord consumer = ValidateProtocolParams(state, parameters, AccessTokenParams);
        TokenRecord token = FindToken(state, (string)parameters["oauth_token"]!);
        if (token.ConsumerId != consumer.Id)
        {
            throw OauthError.Unauthorized("Request token is not associated with the specified consumer");
        }

        if (token.Type != TokenRecord.Request)
        {
            throw OauthError.Unauthorized("Token is already being used");
        }

        object? verifier = parameters["oauth_verifier"];
        if (verifier is not string verifierText)
        {
            throw OauthError.Unauthorized("Verifier is invalid");
        }

        if (verifierText.Length != 32)
        {
            throw OauthError.Unauthorized("Verifier is not the correct length");
        }

        if (!FixedTimeEquals(token.VerifierCode, verifierText))
        {
            throw OauthError.Unauthorized("Token verifier and verifier token do not match");
        }

        ValidateSignature(parameters, consumer.Secret, token.Secret, httpMethod, requestUrl);

        // Token::convertToAccess issues a new token and secret; I/Controller/Token/Access.php activates the integration.
        token.Type = TokenRecord.Access;
        token.Token = SandboxStore.NewRandom();
        token.Secret = SandboxStore.NewRandom();
        IntegrationRecord? integration = state.Integrations.FirstOrDefault(i => i.ConsumerId == consumer.Id);
        if (integration is not null)
        {
            integration.Status = 1;
        }

        return (token.Token, token.Secret);
    });

    /// <summary><c>Oauth::validateAccessTokenRequest</c>, for REST calls: returns the consumer id.</summary>
    public int ValidateAccessTokenRequest(PhpArray parameters, string httpMethod, string requestUrl) => store.Write(state =>
    {
        ConsumerRecord consumer = ValidateProtocolParams(state, parameters, ResourceParams);
        TokenRecord token = FindToken(state, (string)parameters["oauth_token"]!);
        if (token.ConsumerId != consumer.Id)
        {
            throw OauthError.Unauthorized("Token is not associated with the specified consumer");
        }

        if (token.Type != TokenRecord.Access)
        {
            throw OauthError.Unauthorized("Token is not an access token");
        }

        if (token.Revoked)
        {
            throw OauthError.Unauthorized("Access token has been revoked");
        }

        ValidateSignature(parameters, consumer.Secret, token.Secret, httpMethod, requestUrl);
        return consumer.Id;
    });

    /// <summary>
    /// <c>Oauth::_validateProtocolParams</c> in Magento's order: version (only if present), required parameters,
    /// token length, signature method, consumer, then nonce and timestamp (the nonce is stored before the signature is checked).
    /// </summary>
    private ConsumerRecord ValidateProtocolParams(SandboxSnapshot state, PhpArray parameters, string[] required)
    {
        if (parameters["oauth_version"] is string version && !PhpLooseEquals("1.0", version))
        {
            throw OauthError.Input("The \"%1\" Oauth version isn't supported.", version);
        }

        string[] missing = required.Where(name => parameters[name] is null).ToArray();
        if (missing.Length > 0)
        {
            throw OauthError.MissingParameters(missing);
        }

        if (parameters["oauth_token"] is string token && token.Length != 32)
        {
            throw OauthError.Input("The token length is invalid. Check the length and try again.");
        }

        string method = parameters["oauth_signature_method"] as string ?? string.Empty;
        if (!SupportedMethods().Contains(method))
        {
            throw OauthError.Input("Signature method %1 is not supported", method);
        }

        string key = parameters["oauth_consumer_key"] as string ?? string.Empty;
        if (key.Length != 32)
        {
            throw OauthError.Unauthorized("Consumer key is not the correct length");
        }

        ConsumerRecord consumer = state.Consumers.FirstOrDefault(c => c.Key == key)
            ?? throw OauthError.Unauthorized("A consumer having the specified key does not exist");
        ValidateNonce(state, consumer, parameters["oauth_nonce"] as string ?? string.Empty, parameters["oauth_timestamp"] as string ?? string.Empty);
        return consumer;
    }

    /// <summary>
    /// I/Model/Oauth/Nonce/Generator::validateNonce: a timestamp &lt;= 0 or more than 600 s ahead is refused, but the
    /// generic catch turns that into "An error occurred validating the nonce"; there is no lower limit.
    /// </summary>
    private void ValidateNonce(SandboxSnapshot state, ConsumerRecord consumer, string nonce, string timestamp)
    {
        long seconds = PhpIntCast(timestamp);
        long now = time.GetUtcNow().ToUnixTimeSeconds() + (long)options.ClockOffset.TotalSeconds;
        if (seconds <= 0 || seconds > now + TimeDeviationSeconds)
        {
            throw OauthError.Unauthorized("An error occurred validating the nonce");
        }

        // oauth_nonce.nonce is varchar(32) and Magento's MySQL session is not strict, so a longer nonce (PHP's pecl
        // OAuth sends 33 characters) is cut to 32 when stored, and uniqueness applies to what was stored.
        string stored = nonce.Length > 32 ? nonce[..32] : nonce;
        string compositeKey = consumer.Id.ToString(CultureInfo.InvariantCulture) + ":" + stored;
        if (state.Nonces.Contains(compositeKey))
        {
            throw OauthError.Unauthorized("The nonce is already being used by the consumer with ID %1", consumer.Id.ToString(CultureInfo.InvariantCulture));
        }

        state.Nonces.Add(compositeKey);
    }

    private void ValidateSignature(PhpArray parameters, string consumerSecret, string tokenSecret, string httpMethod, string requestUrl)
    {
        string method = (string)parameters["oauth_signature_method"]!;
        var (expected, _) = Signers.Compute(options.Signer, parameters, httpMethod, requestUrl, consumerSecret, tokenSecret, method);
        string given = parameters["oauth_signature"] as string ?? string.Empty;
        if (!FixedTimeEquals(expected, given))
        {
            throw OauthError.Unauthorized("The signature is invalid. Verify and try again.");
        }
    }

    /// <summary>Provider::getIntegrationTokenByConsumerId.</summary>
    private static TokenRecord TokenOf(SandboxSnapshot state, int consumerId) =>
        state.Tokens.FirstOrDefault(t => t.ConsumerId == consumerId)
        ?? throw OauthError.Unauthorized("A token with consumer ID %1 does not exist", consumerId.ToString(CultureInfo.InvariantCulture));

    /// <summary>Provider::_getToken.</summary>
    private static TokenRecord FindToken(SandboxSnapshot state, string token) =>
        state.Tokens.FirstOrDefault(t => t.Token == token) ?? throw OauthError.Unauthorized("Specified token does not exist");

    /// <summary>F/Oauth/Oauth::getSupportedSignatureMethods: HMAC-SHA1 and HMAC-SHA256 before 2.4.4, HMAC-SHA256 since.</summary>
    private string[] SupportedMethods() => options.Signer == SignerGeneration.G1 ? ["HMAC-SHA1", "HMAC-SHA256"] : ["HMAC-SHA256"];

    /// <summary>PHP's <c>'1.0' != $version</c>: numeric strings compare as numbers, so "1" passes.</summary>
    private static bool PhpLooseEquals(string a, string b) =>
        double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out double y)
            ? x == y
            : a == b;

    /// <summary>PHP's <c>(int)</c> cast: leading whitespace, sign and digits; anything else is 0.</summary>
    private static long PhpIntCast(string text)
    {
        string trimmed = text.TrimStart();
        int end = trimmed.Length > 0 && trimmed[0] is '-' or '+' ? 1 : 0;
        while (end < trimmed.Length && char.IsAsciiDigit(trimmed[end]))
        {
            end++;
        }

        return long.TryParse(trimmed[..end], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) ? value : 0;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
