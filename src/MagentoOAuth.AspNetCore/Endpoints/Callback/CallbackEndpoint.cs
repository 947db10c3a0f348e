using System.Net;
using System.Text;
using MagentoOAuth.AspNetCore.Exchange;
using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.AspNetCore.Network;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.AspNetCore.Endpoints.Callback;

/// <summary>
/// The Callback URL: Magento POSTs <c>oauth_consumer_key</c>, <c>oauth_consumer_secret</c>, <c>store_base_url</c> and
/// <c>oauth_verifier</c>, form-encoded, and waits at most 5 s (I/Model/OauthService::postToConsumer). Every field is
/// checked; the activation is stored before answering; the exchange starts at once in the background.
/// </summary>
internal static class CallbackEndpoint
{
    private static readonly string[] Fields = ["oauth_consumer_key", "oauth_consumer_secret", "store_base_url", "oauth_verifier"];

    public static async Task HandleAsync(HttpContext context)
    {
        IServiceProvider services = context.RequestServices;
        MagentoIntegrationOptions options = services.GetRequiredService<IOptions<MagentoIntegrationOptions>>().Value;
        ILogger logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("MagentoOAuth.AspNetCore.Callback");

        (int status, string? problem, TimeSpan? retryAfter) = await ProcessAsync(context, options, services, logger);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        if (retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (problem is not null && status != StatusCodes.Status429TooManyRequests)
        {
            Log.CallbackRefused(logger, status, problem);
        }

        await context.Response.WriteAsync(problem ?? "ok", context.RequestAborted);
    }

    private static async Task<Answer> ProcessAsync(HttpContext context, MagentoIntegrationOptions options, IServiceProvider services, ILogger logger)
    {
        HttpRequest request = context.Request;

        // Before the body is read: a flood costs as little as possible. Refusals are not logged one by one (a flood
        // would fill the log); the limiter's own counters are the record.
        if (services.GetRequiredService<CallbackLimiter>().TryAcquire(context.Connection.RemoteIpAddress) is { } wait)
        {
            return new Answer(429, "Too many callbacks from this address or in total; try again later.", wait);
        }
        if (request.ContentLength > MagentoIntegrationDefaults.MaxCallbackBytes)
        {
            return new Answer(413, $"The body is larger than {MagentoIntegrationDefaults.MaxCallbackBytes} bytes; Magento's callback is four short fields.");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MagentoIntegrationDefaults.MaxCallbackBytes;
        }

        if (!request.HasFormContentType || !string.Equals(request.ContentType?.Split(';')[0].Trim(), "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return new Answer(415, "Send the credentials as application/x-www-form-urlencoded, as Magento does.");
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions { ValueCountLimit = 16, KeyLengthLimit = 64, ValueLengthLimit = MagentoIntegrationDefaults.MaxCallbackBytes }, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new Answer(413, $"The body is larger than {MagentoIntegrationDefaults.MaxCallbackBytes} bytes; Magento's callback is four short fields.");
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or DecoderFallbackException)
        {
            return new Answer(400, "The body is not a valid form.");
        }

        foreach (string field in Fields)
        {
            if (!form.TryGetValue(field, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
            {
                return new Answer(400, $"{field} is missing.");
            }

            if (values.Count > 1)
            {
                return new Answer(400, $"{field} is given more than once.");
            }
        }

        string key = form["oauth_consumer_key"].ToString();
        string secret = form["oauth_consumer_secret"].ToString();
        string verifier = form["oauth_verifier"].ToString();
        foreach (var (name, value) in new[] { ("oauth_consumer_key", key), ("oauth_consumer_secret", secret), ("oauth_verifier", verifier) })
        {
            // F/Oauth/Helper/Oauth.php: keys, secrets, tokens and verifiers are 32 characters of [0-9a-z].
            if (value.Length != 32 || !value.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c)))
            {
                return new Answer(400, $"{name} must be 32 characters of 0-9 and a-z, as Magento generates it.");
            }
        }

        var (storeUrl, urlProblem, storeAddresses) = await StoreUrlGuard.CheckAsync(form["store_base_url"].ToString(), options, services.GetRequiredService<StoreAddressResolver>(), context.RequestAborted);
        if (storeUrl is null)
        {
            return new Answer(400, urlProblem);
        }

        // Room for one more unfinished activation of this host, held while the callback is stored. A host that is full
        // (stores that never answer fill it) still takes a Reauthorize of an integration it knows: that needs its secret.
        ExchangeQueue queue = services.GetRequiredService<ExchangeQueue>();
        string host = ExchangeQueue.HostOf(storeUrl.AbsoluteUri);
        // Capped per lane: forgeries naming a real store's host do not lock that store out of its own activation.
        ExchangeQueue.Lane lane = LaneOf(context.Connection.RemoteIpAddress, storeAddresses);
        bool reserved = queue.TryReserve(host, options.MaxUnfinishedPerStoreHost, lane);
        if (!reserved
            && await services.GetRequiredService<IConnectionStore>().FindByConsumerKeyAsync(key, context.RequestAborted) is null)
        {
            string reason = queue.Count >= ExchangeQueue.Capacity
                ? $"{ExchangeQueue.Capacity} activations are unfinished; try again later."
                : $"The store host {host} has {options.MaxUnfinishedPerStoreHost} unfinished activations; try again when they have finished or failed.";
            Log.CallbackLimited(logger, reason);
            return new Answer(429, reason, options.ScanInterval > TimeSpan.FromSeconds(30) ? options.ScanInterval : TimeSpan.FromSeconds(30));
        }

        ReceiveResult result;
        try
        {
            result = await services.GetRequiredService<ConnectionLifecycle>()
                .ReceiveAsync(new ReceivedCredentials(key, secret, verifier, storeUrl.AbsoluteUri), context.RequestAborted);
        }
        catch
        {
            if (reserved)
            {
                queue.CancelReservation(host, lane);
            }

            throw;
        }

        if (result.Outcome is not (ReceiveOutcome.Created or ReceiveOutcome.Reauthorized) && reserved)
        {
            queue.CancelReservation(host, lane);
        }

        switch (result.Outcome)
        {
            case ReceiveOutcome.Created or ReceiveOutcome.Reauthorized:
                Log.CallbackAccepted(logger, result.Connection!.StoreBaseUrl, result.Outcome == ReceiveOutcome.Created ? "new integration" : "reauthorize");
                queue.Add(result.Connection.Id, host, reserved, wake: true, lane: lane);
                return new Answer(200, null);
            case ReceiveOutcome.SecretMismatch:
                return new Answer(403, "This consumer key is known with another secret; the credentials were not stored.");
            case ReceiveOutcome.StoreMismatch:
                return new Answer(403, "This consumer key belongs to another store URL; the credentials were not stored.");
            case ReceiveOutcome.Unreadable:
                return new Answer(503, "This integration is stored under another encryption key; the app's operator must restore it. The credentials were not stored.");
            default:
                return new Answer(503, "The store is being changed by another request; Magento's Reauthorize can be clicked again.");
        }
    }

    /// <summary>Magento posts from the store's server: a callback from an address the store host resolves to goes in the store lane.</summary>
    internal static ExchangeQueue.Lane LaneOf(IPAddress? client, IPAddress[] storeAddresses)
    {
        if (client is null)
        {
            return ExchangeQueue.Lane.Other;
        }

        IPAddress from = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        return storeAddresses.Any(a => (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).Equals(from)) ? ExchangeQueue.Lane.FromStore : ExchangeQueue.Lane.Other;
    }

    private readonly record struct Answer(int Status, string? Problem, TimeSpan? RetryAfter = null);
}
