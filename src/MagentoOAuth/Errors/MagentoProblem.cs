namespace MagentoOAuth.Errors;

/// <summary>What went wrong, as far as Magento's answer tells. Magento sends human text, not codes; we map the text.</summary>
public enum MagentoProblem
{
    /// <summary>An answer we could not classify; see the status and Magento's message.</summary>
    Unknown = 0,

    /// <summary>"The "%1" Oauth version isn't supported." (400)</summary>
    VersionRejected,

    /// <summary>"%fieldName" is required (400): a protocol parameter is missing, usually because the Authorization header did not arrive.</summary>
    ParameterMissing,

    /// <summary>"The token length is invalid." (400)</summary>
    TokenLengthInvalid,

    /// <summary>"Signature method %1 is not supported" (400).</summary>
    SignatureMethodRejected,

    /// <summary>The consumer key is unknown or malformed (401).</summary>
    ConsumerKeyInvalid,

    /// <summary>"Consumer key has expired" (401): the request token was asked for too late.</summary>
    ConsumerKeyExpired,

    /// <summary>"An error occurred validating the nonce" (401): usually a clock far ahead, or a malformed nonce.</summary>
    TimestampOrNonceRejected,

    /// <summary>"The nonce is already being used…" (401).</summary>
    NonceReused,

    /// <summary>"The signature is invalid. Verify and try again." (401)</summary>
    SignatureInvalid,

    /// <summary>A second request token was asked for in one activation (401).</summary>
    RequestTokenAlreadyIssued,

    /// <summary>The token does not exist: deleted, replaced by a Reauthorize, or never issued (401).</summary>
    TokenNotFound,

    /// <summary>The token belongs to another consumer, or is not the kind of token this step needs (401).</summary>
    TokenMismatch,

    /// <summary>The verifier is missing, malformed or not this token's (401).</summary>
    VerifierInvalid,

    /// <summary>"Access token has been revoked" (401).</summary>
    TokenRevoked,

    /// <summary>The consumer lacks the ACL resource, or Bearer use of integration tokens is off (401).</summary>
    NotAuthorized,

    /// <summary>The resource does not exist (404).</summary>
    NotFound,

    /// <summary>Magento refused the input (400).</summary>
    InvalidInput,

    /// <summary>Magento failed (500): see its log for the report id.</summary>
    ServerError,

    /// <summary>The answer was not what a Magento OAuth endpoint sends (an HTML page, a redirect, a token missing).</summary>
    UnexpectedResponse,

    /// <summary>Not sent: our connection to the store is not active (still exchanging, failed, revoked or superseded), so its tokens would be refused.</summary>
    ConnectionNotActive,
}
