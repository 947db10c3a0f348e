using MagentoOAuth.Errors;

namespace MagentoOAuth.Cli.Commands;

/// <summary>Where the CLI's refusals point: docs/troubleshooting.md, at the section for Magento's message.</summary>
internal static class Troubleshooting
{
    public const string Url = "https://github.com/magento-oauth/magento-oauth/blob/main/docs/troubleshooting.md";

    /// <summary>The line printed after a refusal: the section to read, and the command that tells the causes apart.</summary>
    public static string Hint(MagentoProblem problem) =>
        $"magento-oauth: more: {Url}{Anchor(problem)} ('magento-oauth doctor STORE' checks the store, 'magento-oauth verify' explains another client's signature)";

    private static string Anchor(MagentoProblem problem) => problem switch
    {
        MagentoProblem.SignatureInvalid => "#the-signature-is-invalid",
        MagentoProblem.NotAuthorized => "#the-consumer-isnt-authorized-to-access-resources",
        MagentoProblem.TimestampOrNonceRejected => "#an-error-occurred-validating-the-nonce",
        MagentoProblem.NonceReused => "#the-nonce-is-already-being-used-by-the-consumer-with-id-1",
        MagentoProblem.ConsumerKeyExpired => "#consumer-key-has-expired",
        MagentoProblem.SignatureMethodRejected => "#signature-method-1-is-not-supported",
        MagentoProblem.ParameterMissing => "#oauth_-is-required-enter-and-try-again",
        MagentoProblem.ConsumerKeyInvalid => "#consumer-key-is-not-the-correct-length--a-consumer-having-the-specified-key-does-not-exist",
        MagentoProblem.TokenNotFound or MagentoProblem.TokenRevoked or MagentoProblem.TokenMismatch => "#specified-token-does-not-exist--access-token-has-been-revoked--token-is-not-an-access-token",
        MagentoProblem.NotFound => "#request-does-not-match-any-route",
        MagentoProblem.ServerError => "#internal-error-details-are-available-in-magento-log-file--an-error-has-happened-during-application-run",
        _ => string.Empty,
    };
}
