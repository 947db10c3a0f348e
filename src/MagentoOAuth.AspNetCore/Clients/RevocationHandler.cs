using System.Net;
using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Errors;
using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Clients;

/// <summary>
/// Magento sends nothing when an integration is deleted or reauthorized; its tokens simply stop working. When a call
/// answers 401 saying the token is gone, the connection is read again: if it has newer tokens meanwhile (a Reauthorize
/// another instance handled) the request is sent once more with them; if it is being re-exchanged the request fails
/// saying so; if it still holds the refused token, it is marked revoked with Magento's words.
/// </summary>
internal sealed class RevocationHandler(ConnectionCredentialsCache cache, ConnectionLifecycle lifecycle) : DelegatingHandler
{
    private static readonly MagentoProblem[] RevokedProblems = [MagentoProblem.TokenNotFound, MagentoProblem.TokenRevoked, MagentoProblem.ConsumerKeyInvalid];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await ConnectionRequest.BufferAsync(request, cancellationToken);
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        MagentoOAuthException error = await MagentoErrorParser.ToExceptionAsync(response, cancellationToken);
        if (Array.IndexOf(RevokedProblems, error.Problem) < 0)
        {
            return response;
        }

        StoreConnection sent = ConnectionRequest.Of(request);
        StoreConnection? latest = await cache.RefreshAsync(sent.Id, cancellationToken);
        if (latest is null || latest.Version == sent.Version || latest.AccessToken == sent.AccessToken)
        {
            await lifecycle.RevokeAsync(sent.Id, sent.AccessToken!,
                $"Magento no longer accepts the access token (\"{error.MagentoMessage}\"): the integration was deleted or reauthorized.", cancellationToken);
            return response;
        }

        if (latest.Status != StoreStatus.Active)
        {
            response.Dispose();
            throw ConnectionCredentialsCache.NotActive(latest);
        }

        if (!ConnectionRequest.CanResend(request))
        {
            // The body was streamed once; the caller sends it again, and then it is signed with the newer tokens.
            return response;
        }

        response.Dispose();
        using HttpRequestMessage again = ConnectionRequest.Copy(request);
        again.Options.Set(ConnectionRequest.Option, latest);
        return await base.SendAsync(again, cancellationToken);
    }
}
