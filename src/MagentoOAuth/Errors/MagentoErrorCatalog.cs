using System.Text.RegularExpressions;

namespace MagentoOAuth.Errors;

/// <summary>
/// Magento's refusal messages, each with what it means and what to do. Templates are Magento's own phrases
/// (placeholders <c>%1</c> or <c>%name</c> match any text); sources: F/Oauth/Oauth.php, I/Model/Oauth/Token/Provider.php,
/// I/Model/Oauth/Nonce/Generator.php, W/Controller/Rest/RequestValidator.php.
/// </summary>
internal static partial class MagentoErrorCatalog
{
    private static readonly Entry[] Entries =
    [
        new("Consumer key has expired", MagentoProblem.ConsumerKeyExpired,
            "The request token was asked for more than the consumer expiry (300 s by default, Stores > Configuration > Services > OAuth) after Magento posted the credentials.",
            "Start the token exchange as soon as the callback arrives, not when the merchant clicks; then click Reauthorize on the integration in the Magento admin to post fresh credentials."),
        new("Consumer key is not the correct length", MagentoProblem.ConsumerKeyInvalid,
            "The consumer key sent is not 32 characters.",
            "Send the consumer key exactly as Magento posted it (oauth_consumer_key)."),
        new("A consumer having the specified key does not exist", MagentoProblem.ConsumerKeyInvalid,
            "No integration has this consumer key: it was deleted, or the key belongs to another store.",
            "Check the store URL and key; if the integration was deleted, create and activate a new one."),
        new("A consumer with the ID %1 does not exist", MagentoProblem.ConsumerKeyInvalid,
            "The integration behind this token was deleted.",
            "Create and activate the integration again."),
        new("Signature method %1 is not supported", MagentoProblem.SignatureMethodRejected,
            "Magento 2.4.4 and later accept only HMAC-SHA256.",
            "Sign with HMAC-SHA256 (the default)."),
        new("The \"%1\" Oauth version isn't supported.", MagentoProblem.VersionRejected,
            "oauth_version was not 1.0.",
            "Send oauth_version=\"1.0\" or leave it out."),
        // One missing parameter gives its message; several give each without its period, joined by ", "
        // (F/Oauth/OauthInputException::getAggregatedErrorMessage), as when the Authorization header never arrived.
        new(new Regex("^\"[^\"]+\" is required\\. Enter and try again(, \"[^\"]+\" is required\\. Enter and try again)*\\.?$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), MagentoProblem.ParameterMissing,
            "A protocol parameter is missing. When all of them are, the Authorization header did not reach Magento: Magento reads OAuth parameters only from that header, and some proxies and PHP-FPM setups drop it.",
            "Send the parameters in an 'Authorization: OAuth …' header and make sure the web server passes it to PHP (e.g. Apache: SetEnvIf Authorization \"(.*)\" HTTP_AUTHORIZATION=$1)."),
        new("The token length is invalid. Check the length and try again.", MagentoProblem.TokenLengthInvalid,
            "oauth_token is not 32 characters.",
            "Send the token exactly as Magento issued it."),
        new("An error occurred validating the nonce", MagentoProblem.TimestampOrNonceRejected,
            "Magento refused the timestamp or nonce: most often this machine's clock is more than 600 s ahead of the store's.",
            "Synchronise this machine's clock (NTP); use a nonce of at most 32 letters and digits."),
        new("The nonce is already being used by the consumer with ID %1", MagentoProblem.NonceReused,
            "This nonce was sent before (a replayed or retried request with the same signature).",
            "Sign every attempt anew so each has a fresh nonce."),
        new("The signature is invalid. Verify and try again.", MagentoProblem.SignatureInvalid,
            "Magento computed a different signature: a wrong secret, a URL that differs from the one signed (scheme or host behind a proxy, index.php, an encoded '/'), or a store whose signer reads the request differently.",
            "Run 'magento-oauth sign … --explain' on the exact URL and compare; keep requests portable, or pick the store's generation with --profile."),
        new("Cannot create request token because consumer token is not a verifier token", MagentoProblem.RequestTokenAlreadyIssued,
            "A request token was already issued in this activation; Magento issues one per activation.",
            "Continue with the access token step, or click Reauthorize in the Magento admin to start over."),
        new("Specified token does not exist", MagentoProblem.TokenNotFound,
            "Magento has no such token: the integration was reauthorized (which deletes the old access token at once), deleted, or the token is wrong.",
            "Use the newest tokens; after a Reauthorize, finish the new exchange."),
        new("A token with consumer ID %1 does not exist", MagentoProblem.TokenNotFound,
            "The integration has no token: it was never activated, or was reauthorized or reset.",
            "Activate (or Reauthorize) the integration in the Magento admin."),
        new("Token is not the correct length", MagentoProblem.TokenLengthInvalid,
            "oauth_token is not 32 characters.",
            "Send the token exactly as Magento issued it."),
        new("Request token is not associated with the specified consumer", MagentoProblem.TokenMismatch,
            "The request token belongs to another integration.",
            "Use the request token issued for this consumer key."),
        new("Token is not associated with the specified consumer", MagentoProblem.TokenMismatch,
            "The access token belongs to another integration.",
            "Use the access token issued for this consumer key."),
        new("Token is already being used", MagentoProblem.TokenMismatch,
            "The request token was already exchanged for an access token.",
            "Use the access token from the first exchange, or Reauthorize to start over."),
        new("Cannot get access token because consumer token is not a request token", MagentoProblem.TokenMismatch,
            "The access step was called without a current request token.",
            "Ask for a request token first, then exchange it once."),
        new("Token is not an access token", MagentoProblem.TokenMismatch,
            "A request token was used to call the REST API.",
            "Finish the exchange and sign API calls with the access token."),
        new("Access token has been revoked", MagentoProblem.TokenRevoked,
            "The merchant revoked this integration's access.",
            "Ask the merchant to Reauthorize the integration."),
        new("Verifier is invalid", MagentoProblem.VerifierInvalid,
            "oauth_verifier is missing or not text.",
            "Send the oauth_verifier Magento posted to the callback."),
        new("Verifier is not the correct length", MagentoProblem.VerifierInvalid,
            "oauth_verifier is not 32 characters.",
            "Send the oauth_verifier exactly as Magento posted it."),
        new("Token verifier and verifier token do not match", MagentoProblem.VerifierInvalid,
            "The verifier is not the one posted with these credentials (perhaps from an older activation).",
            "Use the verifier from the latest callback POST."),
        new("The consumer isn't authorized to access %resources.", MagentoProblem.NotAuthorized,
            "The integration is not Active, lacks the ACL resource named, or, with a Bearer token, the store does not allow integration tokens as Bearer (off by default).",
            "Grant the resource in the integration's API tab and Reauthorize; for Bearer, enable Stores > Configuration > Services > OAuth > Consumer Settings > 'Allow OAuth Access Tokens to be used as standalone Bearer tokens', or sign with OAuth 1.0a instead."),
    ];

    public static (MagentoProblem Problem, string Cause, string Fix)? Find(string renderedMessage)
    {
        foreach (Entry entry in Entries)
        {
            if (entry.Pattern.IsMatch(renderedMessage))
            {
                return (entry.Problem, entry.Cause, entry.Fix);
            }
        }

        return null;
    }

    [GeneratedRegex("%(?:\\d+|[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Placeholder();

    private sealed class Entry(Regex pattern, MagentoProblem problem, string cause, string fix)
    {
        public Entry(string template, MagentoProblem problem, string cause, string fix)
            : this(new Regex("^" + string.Join(".*?", Placeholder().Split(template).Select(Regex.Escape)) + "$",
                RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1)), problem, cause, fix)
        {
        }

        public Regex Pattern { get; } = pattern;

        public MagentoProblem Problem { get; } = problem;

        public string Cause { get; } = cause;

        public string Fix { get; } = fix;
    }
}
