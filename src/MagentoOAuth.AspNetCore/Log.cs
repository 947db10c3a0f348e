using MagentoOAuth.Storage;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.AspNetCore;

/// <summary>Log events of the integration endpoint (ids 2000–2999). Never a secret, token, verifier or query string.</summary>
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Information, "Magento credentials received for store {Store} ({Kind})")]
    public static partial void CallbackAccepted(ILogger logger, string store, string kind);

    [LoggerMessage(2002, LogLevel.Warning, "Magento callback refused with {Status}: {Problem}")]
    public static partial void CallbackRefused(ILogger logger, int status, string problem);

    [LoggerMessage(2003, LogLevel.Information, "Store {Store} is now {Status} (step {Step})")]
    public static partial void StoreStatusChanged(ILogger logger, string store, StoreStatus status, ExchangeStep step);

    [LoggerMessage(2004, LogLevel.Warning, "Exchange for store {Store} failed at step {Step} for a passing reason ({Problem}); attempt {Attempt}, retrying in {DelayMs} ms")]
    public static partial void ExchangeRetrying(ILogger logger, string store, ExchangeStep step, string problem, int attempt, long delayMs);

    [LoggerMessage(2005, LogLevel.Information, "Resuming {Count} unfinished exchanges")]
    public static partial void Resuming(ILogger logger, int count);

    [LoggerMessage(2006, LogLevel.Error, "Exchange for store {Store} stopped unexpectedly")]
    public static partial void ExchangeCrashed(ILogger logger, string store, Exception exception);
}
