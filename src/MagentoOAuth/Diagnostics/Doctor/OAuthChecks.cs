using System.Net;
using System.Security.Cryptography;
using MagentoOAuth.Errors;
using MagentoOAuth.Signing;

namespace MagentoOAuth.Diagnostics.Doctor;

/// <summary><c>authorization-header</c>, <c>credentials</c> and <c>bearer</c>: what happens to signed calls.</summary>
internal static class OAuthChecks
{
    private const string StrippedFix =
        "Make the web server pass the Authorization header to PHP. Apache with PHP-FPM/FastCGI/CGI: add 'CGIPassAuth On' (Apache 2.4.13+) to the vhost, " +
        "or 'SetEnvIf Authorization \"(.*)\" HTTP_AUTHORIZATION=$1' (in the vhost or pub/.htaccess); nginx with PHP-FPM: 'fastcgi_param HTTP_AUTHORIZATION $http_authorization;'; " +
        "a proxy, CDN or WAF in front: let the Authorization header through.";

    public static async Task<DoctorCheck> AuthorizationHeaderAsync(DoctorSession session, CancellationToken cancellationToken)
    {
        // A deliberately wrong signature: the consumer key given (or a made-up one of Magento's shape) and a wrong secret.
        OAuthCredentials? real = session.Credentials;
        string wrong = RandomKey();
        OAuthCredentials probeCredentials = real is null
            ? new OAuthCredentials(RandomKey(), wrong, RandomKey(), wrong) // REST needs a token to get as far as the signature
            : new OAuthCredentials(real.ConsumerKey, wrong, real.Token, real.Token is null ? null : wrong);
        Probe probe = await session.SignedGetAsync(DoctorSession.ProbePath, cancellationToken, probeCredentials, SignatureProfile.Rfc5849).ConfigureAwait(false);
        string? realm = probe.MagentoMessage is null ? probe.BasicRealm ?? session.BasicRealm : null;
        if (realm is not null)
        {
            return new DoctorCheck("authorization-header", DoctorStatus.Fail, $"HTTP basic auth (realm \"{realm}\") takes the Authorization header before Magento",
                "The web server demands HTTP basic auth (a password-protected staging site). Basic auth and OAuth both need the one Authorization header, so no signed call can reach Magento.",
                "Exempt Magento's API from the password: nginx: 'location ~ ^/(index\\.php/)?(rest|oauth)/ { auth_basic off; … }'; Apache: '<LocationMatch \"^/(index\\.php/)?(rest|oauth)/\"> Require all granted </LocationMatch>'. " +
                "Or protect the site by IP allow-list instead of a password.");
        }

        if (probe.IsGuestRefusal)
        {
            return new DoctorCheck("authorization-header", DoctorStatus.Fail, "the Authorization header does not reach Magento",
                "A call with a wrong signature was answered as if it had no OAuth at all (401 \"The consumer isn't authorized to access %resources.\", Magento's answer to a guest): " +
                "the web server stripped the Authorization header before PHP, as Apache with PHP-FPM/FastCGI/CGI does unless told otherwise. (An HTTP basic auth password in front of Magento takes the header too.)",
                StrippedFix);
        }

        if (probe.RenderedMessage is { } message && probe.Status is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest)
        {
            return new DoctorCheck("authorization-header", DoctorStatus.Pass, $"the Authorization header reaches Magento (a wrong signature got \"{message}\")");
        }

        return new DoctorCheck("authorization-header", DoctorStatus.Warn, $"a wrongly signed call got {probe.Describe()}",
            "Magento answers a wrong signature with 401 and its JSON message; this answer is something else.",
            "Look at what sits in front of the store (proxy, WAF, CDN) for /rest/.");
    }

    public static async Task<DoctorCheck> CredentialsAsync(DoctorSession session, CancellationToken cancellationToken)
    {
        Probe probe = await session.SignedGetAsync(DoctorSession.ProbePath, cancellationToken).ConfigureAwait(false);
        if (probe.Status == HttpStatusCode.OK)
        {
            session.SignedCallAccepted = true;
            return new DoctorCheck("credentials", DoctorStatus.Pass, "a signed GET /V1/store/storeConfigs was accepted: consumer and access token valid");
        }

        MagentoOAuthException error = MagentoErrorParser.FromBody((int)probe.Status, probe.Body);
        if (error.Problem == MagentoProblem.SignatureInvalid && session.Base.Scheme == Uri.UriSchemeHttps
            && (await session.SignedGetAsync(DoctorSession.ProbePath, cancellationToken, signedScheme: Uri.UriSchemeHttp).ConfigureAwait(false)).Status == HttpStatusCode.OK)
        {
            return new DoctorCheck("credentials", DoctorStatus.Fail, "the store signs requests as http:// although they arrive over https: a call signed for https is refused, one signed for http is accepted",
                "A load balancer or proxy ends TLS in front of Magento and Magento is not told (web/secure/offloader_header), so it builds the base string with http://. Every correct client is refused with \"The signature is invalid\".",
                "Set Stores > Configuration > General > Web > Default Pages > Offloader header (web/secure/offloader_header) to the header the proxy sets, usually X-Forwarded-Proto, and make the proxy send 'X-Forwarded-Proto: https'.");
        }

        return error.Problem switch
        {
            MagentoProblem.NotAuthorized => new DoctorCheck("credentials", DoctorStatus.Warn, "the signature and token were accepted, but the call was refused (\"The consumer isn't authorized to access %resources.\")",
                $"The integration is not Active (a Reauthorize not finished) or lacks {probe.DeniedResources ?? "Magento_Backend::store"} (Stores > Settings > All Stores).",
                "In System > Extensions > Integrations, check the integration is Active; under its API tab grant Stores > Settings > All Stores, or give the resources you need with --need and see the acl check."),
            MagentoProblem.SignatureInvalid => new DoctorCheck("credentials", DoctorStatus.Fail, "Magento refused the signature of a correctly built call (\"The signature is invalid\")",
                "GET /V1/store/storeConfigs is signed alike by every Magento generation, so the consumer secret or the access token secret is wrong (an old one from before a Reauthorize, or a copy with a character missing).",
                "Use the values from System > Extensions > Integrations > Edit > Integration Details (the newest tokens after a Reauthorize). To see how another client signs, run 'magento-oauth verify' on its request."),
            MagentoProblem.TimestampOrNonceRejected => new DoctorCheck("credentials", DoctorStatus.Fail, "Magento refused the call's timestamp (\"An error occurred validating the nonce\")",
                "This machine's clock is more than 600 s ahead of the store's (see the clock check).", "Synchronise both clocks with NTP."),
            _ => new DoctorCheck("credentials", DoctorStatus.Fail, $"a signed call was refused: {probe.Describe()}", error.Cause, error.Fix),
        };
    }

    public static async Task<DoctorCheck> BearerAsync(DoctorSession session, CancellationToken cancellationToken)
    {
        string token = session.Credentials!.Token!;
        Probe probe = await session.GetAsync(DoctorSession.ProbePath, cancellationToken, m => m.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token)).ConfigureAwait(false);
        if (probe.Status != HttpStatusCode.OK && !session.SignedCallAccepted)
        {
            // The signed call was refused by the ACL too, so the same refusal of the Bearer call proves nothing.
            return new DoctorCheck("bearer", DoctorStatus.Pass,
                $"cannot tell whether Bearer is accepted: the integration may not read /V1/store/storeConfigs at all (the Bearer call got {probe.Describe()})");
        }

        return probe.Status == HttpStatusCode.OK
            ? new DoctorCheck("bearer", DoctorStatus.Pass,
                "the access token is accepted as a Bearer token (Stores > Configuration > Services > OAuth > Consumer Settings > Allow OAuth Access Tokens to be used as standalone Bearer tokens: Yes; " +
                "oauth/consumer/enable_integration_as_bearer=1): anyone holding the token can call without the secrets")
            : new DoctorCheck("bearer", DoctorStatus.Pass,
                $"the access token is refused as a Bearer token ({probe.Describe()}), Magento's default since 2.4.4: sign every call with OAuth 1.0a, as this library does");
    }

    /// <summary>32 characters of [0-9a-z], Magento's key shape, so the probe passes its length checks.</summary>
    private static string RandomKey() => RandomNumberGenerator.GetString("0123456789abcdefghijklmnopqrstuvwxyz", 32);
}
