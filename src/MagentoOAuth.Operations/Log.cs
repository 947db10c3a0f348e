using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations;

/// <summary>
/// Log events of the admin listener (ids 4000–4999; the proxy 4100–4199). Never a secret, token, API key or query
/// string: paths are logged without their query.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(4101, LogLevel.Debug, "Proxied {Method} {Path} for store {StoreId}: {Status} in {Milliseconds:0.0} ms")]
    public static partial void ProxyForwarded(ILogger logger, string method, string path, Guid storeId, int status, double milliseconds);

    [LoggerMessage(4102, LogLevel.Information, "Proxy refused {Method} {Path} with {Status}: {Error}")]
    public static partial void ProxyRefused(ILogger logger, string method, string path, int status, string error);

    [LoggerMessage(4103, LogLevel.Warning, "Proxied {Method} {Path} for store {StoreId} failed with {Status} ({Error}): {Reason}")]
    public static partial void ProxyFailed(ILogger logger, string method, string path, Guid storeId, int status, string error, string reason);
}
