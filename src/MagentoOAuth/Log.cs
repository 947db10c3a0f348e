using MagentoOAuth.Errors;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth;

/// <summary>
/// Every log event of the core library (event ids 1000–1999). Parameters are methods, paths without query, statuses
/// and problem names: never a key, secret, token, verifier or query string.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Debug, "Magento token step '{Step}' starting: POST {Endpoint}")]
    public static partial void TokenStepStarting(ILogger logger, string step, string endpoint);

    [LoggerMessage(1002, LogLevel.Information, "Magento token step '{Step}' succeeded")]
    public static partial void TokenStepSucceeded(ILogger logger, string step);

    [LoggerMessage(1003, LogLevel.Warning, "Magento refused token step '{Step}' with {Status}: {Problem}")]
    public static partial void TokenStepRefused(ILogger logger, string step, int status, MagentoProblem problem);

    [LoggerMessage(1010, LogLevel.Debug, "Signed {Method} {Path} ({Mode}, profile {Profile})")]
    public static partial void RequestSigned(ILogger logger, string method, string path, string mode, Signing.SignatureProfile profile);

    [LoggerMessage(1011, LogLevel.Warning, "{Method} {Path} is not portable across Magento signer generations; refused by {Generations} (rule {Rule}; 'magento-oauth sign --explain' on the URL says more)")]
    public static partial void RequestNotPortable(ILogger logger, string method, string path, string generations, string rule);
}
