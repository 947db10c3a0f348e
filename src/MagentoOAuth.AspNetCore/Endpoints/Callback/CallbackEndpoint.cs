using System.Security.Cryptography;
using System.Text;
using MagentoOAuth.AspNetCore.Exchange;
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

        (int status, string? problem) = await ProcessAsync(context, options, services, logger);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        if (problem is not null)
        {
            Log.CallbackRefused(logger, status, problem);
        }

        await context.Response.WriteAsync(problem ?? "ok", context.RequestAborted);
    }

    private static async Task<(int Status, string? Problem)> ProcessAsync(HttpContext context, MagentoIntegrationOptions options, IServiceProvider services, ILogger logger)
    {
        HttpRequest request = context.Request;
        if (request.ContentLength > MagentoIntegrationDefaults.MaxCallbackBytes)
        {
            return (413, $"The body is larger than {MagentoIntegrationDefaults.MaxCallbackBytes} bytes; Magento's callback is four short fields.");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MagentoIntegrationDefaults.MaxCallbackBytes;
        }

        if (!request.HasFormContentType || !string.Equals(request.ContentType?.Split(';')[0].Trim(), "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return (415, "Send the credentials as application/x-www-form-urlencoded, as Magento does.");
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions { ValueCountLimit = 16, KeyLengthLimit = 64, ValueLengthLimit = MagentoIntegrationDefaults.MaxCallbackBytes }, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (413, $"The body is larger than {MagentoIntegrationDefaults.MaxCallbackBytes} bytes; Magento's callback is four short fields.");
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or DecoderFallbackException)
        {
            return (400, "The body is not a valid form.");
        }

        foreach (string field in Fields)
        {
            if (!form.TryGetValue(field, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
            {
                return (400, $"{field} is missing.");
            }

            if (values.Count > 1)
            {
                return (400, $"{field} is given more than once.");
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
                return (400, $"{name} must be 32 characters of 0-9 and a-z, as Magento generates it.");
            }
        }

        var (storeUrl, urlProblem) = await StoreUrlGuard.CheckAsync(form["store_base_url"].ToString(), options, context.RequestAborted);
        if (storeUrl is null)
        {
            return (400, urlProblem);
        }

        ICredentialStore store = services.GetRequiredService<ICredentialStore>();
        TimeProvider time = services.GetRequiredService<TimeProvider>();
        for (int attempt = 0; attempt < 5; attempt++)
        {
            StoreConnection? known = await store.FindByConsumerKeyAsync(key, context.RequestAborted);
            DateTimeOffset now = time.GetUtcNow();
            if (known is null)
            {
                var connection = new StoreConnection
                {
                    Id = Guid.NewGuid(),
                    StoreBaseUrl = storeUrl.AbsoluteUri,
                    ConsumerKey = key,
                    ConsumerSecret = secret,
                    Verifier = verifier,
                    Status = StoreStatus.Pending,
                    Step = ExchangeStep.Received,
                    ReceivedAt = now,
                    UpdatedAt = now,
                };
                if (await store.InsertAsync(connection, context.RequestAborted))
                {
                    Log.CallbackAccepted(logger, connection.StoreBaseUrl, "new integration");
                    services.GetRequiredService<ExchangeQueue>().Enqueue(connection.Id);
                    return (200, null);
                }

                continue;
            }

            // Reauthorize: Magento posts the same key and secret with a new verifier. A different secret or store is a
            // forgery (the key alone is not secret: it is in every Identity Link URL), and must not touch the store.
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(known.ConsumerSecret), Encoding.UTF8.GetBytes(secret)))
            {
                return (403, "This consumer key is known with another secret; the credentials were not stored.");
            }

            if (!string.Equals(known.StoreBaseUrl, storeUrl.AbsoluteUri, StringComparison.Ordinal))
            {
                return (403, "This consumer key belongs to another store URL; the credentials were not stored.");
            }

            StoreConnection reauthorized = known with
            {
                Verifier = verifier,
                RequestToken = null,
                RequestTokenSecret = null,
                AccessToken = null,
                AccessTokenSecret = null,
                Status = StoreStatus.Pending,
                StatusReason = "Reauthorized in the Magento admin: exchanging new tokens.",
                Step = ExchangeStep.Received,
                ReceivedAt = now,
                UpdatedAt = now,
                Attempts = 0,
            };
            if (await store.UpdateAsync(reauthorized, known.Version, context.RequestAborted))
            {
                if (known.AccessToken is not null)
                {
                    // Magento deleted the old access token the moment the merchant clicked Reauthorize.
                    await store.AddRotationAsync(new CredentialRotation(known.Id, known.ConsumerKey, Fingerprint.Of(known.AccessToken), now, "reauthorized"), context.RequestAborted);
                }

                Log.CallbackAccepted(logger, known.StoreBaseUrl, "reauthorize");
                services.GetRequiredService<ExchangeQueue>().Enqueue(known.Id);
                return (200, null);
            }
        }

        return (503, "The store is being changed by another request; Magento's Reauthorize can be clicked again.");
    }
}

/// <summary>A short, one-way fingerprint of a token, for history and logs.</summary>
internal static class Fingerprint
{
    public static string Of(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..12];
}
