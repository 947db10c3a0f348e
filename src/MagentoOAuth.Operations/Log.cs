using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations;

/// <summary>The admin listener's log messages (event ids 1200–1299: the dashboard). Never a key, secret or query value.</summary>
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
}
