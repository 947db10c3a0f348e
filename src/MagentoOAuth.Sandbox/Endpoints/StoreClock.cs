using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace MagentoOAuth.Sandbox.Endpoints;

/// <summary>
/// A store whose clock is off says so in every answer: the web server's <c>Date</c> header (RFC 9110 §6.6.1) comes from
/// the same clock as Magento's timestamp check, so it carries <see cref="SandboxOptions.ClockOffset"/> too, errors included.
/// <list type="bullet">
/// <item>Kestrel writes its own Date only when the response has none (HttpProtocol.CreateResponseHeaders,
/// <c>!HasDate</c>), so setting it just before the headers go out (OnStarting) replaces Kestrel's.</item>
/// <item>But when the application throws before the response started, Kestrel skips the OnStarting callbacks, resets the
/// headers and sends its own answer (a BadHttpRequestException's status, such as 413 for a body over the limit, or
/// 500) with its own Date. So such an answer is written here instead, with the same status, no body and
/// <c>Connection: close</c>, as Kestrel's is.</item>
/// </list>
/// Only what Kestrel refuses before the request reaches the application (a malformed request line or headers) keeps
/// Kestrel's Date.
/// </summary>
internal static partial class StoreClock
{
    public static async Task InvokeAsync(HttpContext context, SandboxOptions options, TimeProvider time, Func<Task> next)
    {
        context.Response.OnStarting(() =>
        {
            context.Response.Headers.Date = Now(options, time).ToString("r", CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        try
        {
            await next();
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            int status = e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
            if (status >= 500)
            {
                LogUnhandled(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StoreClock).FullName!), e, context.Request.Method, context.Request.Path.Value);
            }

            context.Response.Clear();
            context.Response.StatusCode = status;
            context.Response.ContentLength = 0;
            context.Response.Headers[HeaderNames.Connection] = "close";
        }
    }

    /// <summary>The store's clock: the sandbox's time moved by the offset (as OauthProvider's timestamp check reads it).</summary>
    public static DateTimeOffset Now(SandboxOptions options, TimeProvider time) => time.GetUtcNow() + options.ClockOffset;

    [LoggerMessage(3101, LogLevel.Error, "An unhandled exception was thrown by the sandbox for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string? path);
}
