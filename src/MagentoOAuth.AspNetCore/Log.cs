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

    [LoggerMessage(2003, LogLevel.Information, "Store {Store} connection {Id}: {Transition} ({From} -> {To})")]
    public static partial void Transition(ILogger logger, string store, Guid id, ConnectionTransition transition, string from, StoreStatus to);

    [LoggerMessage(2004, LogLevel.Warning, "Exchange for store {Store} failed at step {Step} for a transient reason ({Problem}); attempt {Attempt}, retrying in {DelayMs} ms")]
    public static partial void ExchangeRetrying(ILogger logger, string store, ExchangeStep step, string problem, int attempt, long delayMs);

    [LoggerMessage(2005, LogLevel.Information, "Resuming {Count} unfinished exchanges")]
    public static partial void Resuming(ILogger logger, int count);

    [LoggerMessage(2006, LogLevel.Error, "Exchange for store {Store} stopped unexpectedly")]
    public static partial void ExchangeCrashed(ILogger logger, string store, Exception exception);

    [LoggerMessage(2007, LogLevel.Error, "The OnStatusChanged handler threw for connection {Id} ({Transition}); the transition is stored and goes on")]
    public static partial void EventHandlerFailed(ILogger logger, Guid id, ConnectionTransition transition, Exception exception);

    [LoggerMessage(2008, LogLevel.Warning, "Connection {Id} kept changing under {Attempts} attempts to update it; gave up")]
    public static partial void ChangeGaveUp(ILogger logger, Guid id, int attempts);

    [LoggerMessage(2009, LogLevel.Warning, "Could not record history for connection {Id}")]
    public static partial void HistoryFailed(ILogger logger, Guid id, Exception exception);

    [LoggerMessage(2010, LogLevel.Information, "Connection {Id} removed")]
    public static partial void ConnectionRemoved(ILogger logger, Guid id);

    [LoggerMessage(2011, LogLevel.Debug, "Store {Store} connection {Id} reached exchange step {Step}")]
    public static partial void StepStored(ILogger logger, string store, Guid id, ExchangeStep step);

    [LoggerMessage(2012, LogLevel.Information, "Removed {Count} failed activations that never got a token, older than {Days} days")]
    public static partial void FailedRemoved(ILogger logger, int count, double days);

    [LoggerMessage(2013, LogLevel.Debug, "Callback refused: {Reason}")]
    public static partial void CallbackLimited(ILogger logger, string reason);

    // 2090-2099: the lifecycle's outbox events (webhooks).
    [LoggerMessage(2090, LogLevel.Warning, "Could not read the history of connection {Id}; its activation's event says connected, not rotated")]
    public static partial void RotationUnknown(ILogger logger, Guid id, Exception exception);

    [LoggerMessage(2300, LogLevel.Warning, "Writing the health of {Count} stores failed; kept in memory for the next write")]
    public static partial void HealthWriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(2301, LogLevel.Debug, "Wrote the health of {Count} stores")]
    public static partial void HealthWritten(ILogger logger, int count);
}
