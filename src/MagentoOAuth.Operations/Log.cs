using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations;

/// <summary>The admin features' log messages. Never a secret, key, token or query value; store text only as other logs show it.</summary>
internal static partial class Log
{
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
