using System.Net;
using MagentoOAuth.Errors;
using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Clients;

/// <summary>
/// Magento sends nothing when an integration is deleted or reauthorized elsewhere; its tokens simply stop working.
/// When a call answers 401 saying so, the store is marked revoked with Magento's words.
/// </summary>
internal sealed class RevocationHandler(ICredentialStore store, Guid storeId, TimeProvider time) : DelegatingHandler
{
    private static readonly MagentoProblem[] RevokedProblems = [MagentoProblem.TokenNotFound, MagentoProblem.TokenRevoked, MagentoProblem.ConsumerKeyInvalid];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        MagentoOAuthException error = await MagentoErrorParser.ToExceptionAsync(response, cancellationToken);
        if (Array.IndexOf(RevokedProblems, error.Problem) >= 0)
        {
            StoreConnection? current = await store.FindAsync(storeId, cancellationToken);
            if (current is { Status: StoreStatus.Active })
            {
                await store.UpdateAsync(current with
                {
                    Status = StoreStatus.Revoked,
                    StatusReason = $"Magento no longer accepts the access token (\"{error.MagentoMessage}\"): the integration was deleted or reauthorized.",
                    UpdatedAt = time.GetUtcNow(),
                }, current.Version, cancellationToken);
            }
        }

        return response;
    }
}
