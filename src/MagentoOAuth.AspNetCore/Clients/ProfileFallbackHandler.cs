using System.Net;
using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Errors;
using MagentoOAuth.Http;
using MagentoOAuth.Signing;

namespace MagentoOAuth.AspNetCore.Clients;

/// <summary>
/// When a store answers "The signature is invalid" to a request that is not portable (a SKU with '/', indices 2 and
/// 10), the request is sent again, once per signer generation that reads it differently, and the profile that works is
/// remembered on the connection, so later calls are signed that way from the start. Portable requests are never retried.
/// </summary>
internal sealed class ProfileFallbackHandler(ConnectionLifecycle lifecycle) : DelegatingHandler
{
    // Newest first: G4 and G2 cover most stores in the wild; G1 differs from G2 only in accepting HMAC-SHA1.
    private static readonly SignatureProfile[] Order = [SignatureProfile.MagentoG4, SignatureProfile.MagentoG2, SignatureProfile.MagentoG3, SignatureProfile.MagentoG1];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await ConnectionRequest.BufferAsync(request, cancellationToken);
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || request.RequestUri is null || !ConnectionRequest.CanResend(request))
        {
            return response;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        if ((await MagentoErrorParser.ToExceptionAsync(response, cancellationToken)).Problem != MagentoProblem.SignatureInvalid)
        {
            return response;
        }

        SignatureProfile current = request.Options.TryGetValue(MagentoOAuthHandler.ProfileOption, out SignatureProfile p) ? p : SignatureProfile.Rfc5849;
        var sent = new OAuthRequest(request.Method.Method, PortableRequest.ToPortableUri(request.RequestUri)) { Profile = current };
        var candidates = PortabilityAnalyzer.Analyze(sent).SelectMany(i => i.Generations).Distinct().ToHashSet();
        foreach (SignatureProfile profile in Order.Where(candidates.Contains))
        {
            using HttpRequestMessage retry = ConnectionRequest.Copy(request);
            retry.Options.Set(MagentoOAuthHandler.ProfileOption, profile);
            HttpResponseMessage answer = await base.SendAsync(retry, cancellationToken);
            if (answer.StatusCode == HttpStatusCode.Unauthorized)
            {
                await answer.Content.LoadIntoBufferAsync(cancellationToken);
                if ((await MagentoErrorParser.ToExceptionAsync(answer, cancellationToken)).Problem == MagentoProblem.SignatureInvalid)
                {
                    answer.Dispose();
                    continue;
                }
            }

            response.Dispose();
            await lifecycle.SetProfileAsync(ConnectionRequest.Of(request).Id, profile, cancellationToken);
            return answer;
        }

        return response;
    }
}
