using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations;

/// <summary>
/// The admin listener's log messages. Never a key, secret, token or query value; store text only as other logs show it.
/// Event ids: 1200–1299 the dashboard, 4500–4599 webhooks.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Dashboard: signed in with the key {KeyName} from {Address}.")]
    public static partial void SignedIn(ILogger logger, string keyName, string address);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Dashboard: a sign-in from {Address} was refused (not an admin key of this server).")]
    public static partial void SignInRefused(ILogger logger, string address);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Dashboard: sign-in attempts from {Address} are over the limit; refused for a minute.")]
    public static partial void SignInLimited(ILogger logger, string address);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Dashboard: the key {KeyName} ran the checks of store {ConnectionId}: {Failed} failed.")]
    public static partial void CheckRan(ILogger logger, string keyName, Guid connectionId, int failed);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Information, Message = "Dashboard: a session of the key id {KeyId} ended: the key was revoked or is no longer admin.")]
    public static partial void SessionEnded(ILogger logger, string keyId);

    // 4500-4599: webhooks.
    [LoggerMessage(4500, LogLevel.Information, "Webhooks on: events from the outbox are posted to {Url}")]
    public static partial void DispatcherStarted(ILogger logger, string url);

    [LoggerMessage(4501, LogLevel.Debug, "Webhook event {EventId} of connection {StoreId} delivered (attempt {Attempt})")]
    public static partial void Delivered(ILogger logger, Guid eventId, Guid storeId, int attempt);

    [LoggerMessage(4502, LogLevel.Warning, "Webhook event {EventId} of connection {StoreId} not delivered (attempt {Attempt}: {Failure}); next attempt in {Seconds:0.#} s")]
    public static partial void DeliveryFailed(ILogger logger, Guid eventId, Guid storeId, int attempt, string failure, double seconds);

    [LoggerMessage(4503, LogLevel.Error, "Webhook round failed; the events stay in the outbox and are tried again")]
    public static partial void RoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(4504, LogLevel.Information, "Deleted {Count} delivered webhook events older than {Days} days")]
    public static partial void Pruned(ILogger logger, int count, double days);
}
