using System.Diagnostics;
using MagentoOAuth.AspNetCore.Clients;
using MagentoOAuth.Errors;
using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Health;

/// <summary>
/// The top of a per-store client: reports every call's outcome to the health tracker, once per call whatever the
/// handlers below retry. A refusal before any call (the store is not active) is not a call, and a caller's own
/// cancellation is not the store's failure; a call cancelled after the client's whole timeout is a timeout.
/// </summary>
internal sealed class StoreHealthHandler(IStoreCallRecorder recorder, Guid connectionId, TimeSpan timeout) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (MagentoOAuthException e) when (e.Problem == MagentoProblem.ConnectionNotActive)
        {
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // HttpClient's timeout and the caller's token cancel the same linked token: only the time taken tells them apart.
            if (Stopwatch.GetElapsedTime(started) >= timeout * 0.98)
            {
                recorder.RecordCall(connectionId, null, CallFailure.TimedOut(timeout));
            }

            throw;
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or OperationCanceledException || IsResilienceTimeout(e))
        {
            recorder.RecordCall(connectionId, null, CallFailure.Describe(e, Secrets(request)));
            throw;
        }

        int status = (int)response.StatusCode;
        string? failure = CallFailure.IsFailure(status) ? await CallFailure.DescribeAsync(response, Secrets(request), cancellationToken).ConfigureAwait(false) : null;
        recorder.RecordCall(connectionId, status, failure);
        return response;
    }

    // A resilience pipeline's timeout (Polly's TimeoutRejectedException), named rather than referenced: this library
    // does not depend on Polly. Its other refusals (an open circuit) made no call, and show in the availability instead.
    private static bool IsResilienceTimeout(Exception e) => e.GetType().FullName == "Polly.Timeout.TimeoutRejectedException";

    private static string?[] Secrets(HttpRequestMessage request) =>
        request.Options.TryGetValue(ConnectionRequest.Option, out StoreConnection? c) ? [c.AccessToken, c.ConsumerKey] : [];
}
