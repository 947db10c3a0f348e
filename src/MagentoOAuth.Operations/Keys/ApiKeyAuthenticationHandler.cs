using System.Text.Encodings.Web;
using MagentoOAuth.Operations.Admin;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace MagentoOAuth.Operations.Keys;

/// <summary><c>Authorization: Bearer mok_…</c> on the admin listener: the key is checked against its stored hash.</summary>
internal sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyCache keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers[HeaderNames.Authorization];
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        ApiKey? key = await keys.ValidateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted).ConfigureAwait(false);
        return key is null
            ? AuthenticateResult.Fail("The API key is not valid (unknown, revoked or mistyped).")
            : AuthenticateResult.Success(new AuthenticationTicket(ApiKeyClaims.Principal(key, Scheme.Name), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // A key that was sent but is not valid is told apart from no key at all (the caller fixes different things).
        AuthenticateResult result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = result.Failure is null ? "Bearer realm=\"magento-oauth\"" : "Bearer realm=\"magento-oauth\", error=\"invalid_token\"";
        await Response.WriteAsJsonAsync(
            result.Failure is null
                ? new AdminError("unauthorized", "This needs an API key: send 'Authorization: Bearer KEY'. Create one with 'magento-oauth keys create NAME'.")
                : new AdminError("unauthorized", "The API key is not valid (unknown, revoked or mistyped): send a current key as 'Authorization: Bearer KEY' ('magento-oauth keys list' shows the keys' names)."),
            AdminJsonContext.Default.AdminError, cancellationToken: Context.RequestAborted).ConfigureAwait(false);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Response.WriteAsJsonAsync(
            new AdminError("forbidden", "This API key may not do this: it needs the admin scope ('magento-oauth keys create NAME --scope admin')."),
            AdminJsonContext.Default.AdminError, cancellationToken: Context.RequestAborted).ConfigureAwait(false);
    }
}
