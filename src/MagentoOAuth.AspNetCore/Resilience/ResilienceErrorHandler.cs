using MagentoOAuth.Errors;
using Polly.CircuitBreaker;
using Polly.RateLimiting;

namespace MagentoOAuth.AspNetCore.Resilience;

/// <summary>
/// For the library's clients: a store's open circuit or full queue is a <see cref="MagentoOAuthException"/> with a cause
/// and a fix, like every other refusal, rather than Polly's exception types (the proxy maps those to 503 itself).
/// </summary>
internal sealed class ResilienceErrorHandler(StoreResilience resilience, Guid connectionId) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException e)
        {
            TimeSpan wait = resilience.OpenFor(connectionId) ?? TimeSpan.FromSeconds(1);
            throw new MagentoOAuthException(MagentoProblem.ServerError, 503, null,
                $"The store failed repeatedly (5xx answers or timeouts), so its calls fail fast for about {Math.Ceiling(wait.TotalSeconds):0} s instead of adding to its load.",
                "Wait and try again; 'magento-oauth doctor STORE' tells what is wrong with the store.", innerException: e);
        }
        catch (RateLimiterRejectedException e)
        {
            throw new MagentoOAuthException(MagentoProblem.ServerError, 503, null,
                "Too many calls to this store are in flight or queued here (the per-store concurrency limit).",
                "Send fewer calls at once, or raise MagentoIntegrationOptions.Resilience.MaxConcurrentCalls / MaxQueuedCalls.", innerException: e);
        }
    }
}
