using MagentoOAuth.AspNetCore.Network;
using MagentoOAuth.Errors;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.AspNetCore.Exchange;

/// <summary>
/// When a failed exchange step is tried again: transient failures (5xx, 429, 408, timeouts, refused connections, a
/// reused nonce) with delays that double up to a ceiling, jittered ±20%. The request-token step must finish within the
/// consumer expiry (Magento: I/Model/Oauth/Consumer.php); later steps have no deadline but a number of attempts.
/// </summary>
internal sealed class ExchangeRetryPolicy(IOptions<MagentoIntegrationOptions> options, Func<double>? jitter = null)
{
    private readonly MagentoIntegrationOptions _options = options.Value;
    private readonly Func<double> _jitter = jitter ?? Random.Shared.NextDouble;

    public static bool IsTransient(Exception e) => e switch
    {
        _ when StoreAddressRefusedException.Find(e) is not null => false,
        HttpRequestException => true,
        TaskCanceledException => true,
        MagentoOAuthException m => m.Status is >= 500 or 429 or 408 || m.Problem == MagentoProblem.NonceReused,
        _ => false,
    };

    public static string Describe(Exception e) => e switch
    {
        MagentoOAuthException m => $"HTTP {m.Status} {m.Problem}",
        TaskCanceledException => "timed out",
        HttpRequestException h => h.HttpRequestError.ToString(),
        _ => e.GetType().Name,
    };

    public TimeSpan Delay(int attempt)
    {
        double milliseconds = Math.Min(_options.MaxRetryDelay.TotalMilliseconds, _options.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1)));
        return TimeSpan.FromMilliseconds(milliseconds * (0.8 + (_jitter() * 0.4)));
    }

    /// <summary>After the <paramref name="attempt"/>-th transient failure of <paramref name="connection"/>'s current step: wait this long, or give up with a reason.</summary>
    public (TimeSpan Delay, string? GiveUp) Decide(StoreConnection connection, int attempt, DateTimeOffset now, Exception failure)
    {
        TimeSpan delay = Delay(attempt);
        if (connection.Step == ExchangeStep.Received && now + delay >= connection.ReceivedAt + _options.ConsumerExpiry)
        {
            return (delay, $"The store could not be reached before the consumer expired ({_options.ConsumerExpiry.TotalSeconds:0} s after the credentials arrived): {Describe(failure)}. Click Reauthorize in the Magento admin to try again.");
        }

        if (connection.Step != ExchangeStep.Received && attempt >= _options.MaxAttempts)
        {
            return (delay, $"The store kept failing at step {connection.Step} after {attempt} attempts: {Describe(failure)}.");
        }

        return (delay, null);
    }
}
