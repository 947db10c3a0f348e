using System.Globalization;
using MagentoOAuth.Sandbox.State;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Sandbox.Integrations;

/// <summary>The Magento admin's side of integrations: create, Activate / Reauthorize, delete.</summary>
internal sealed partial class IntegrationService(SandboxStore store, SandboxOptions options, SandboxAddress address, TimeProvider time, IHttpClientFactory httpClientFactory, ILogger<IntegrationService> logger)
{
    public const string CallbackClient = "sandbox-callback";
    public const string AllResources = "Magento_Backend::all";

    /// <summary>
    /// I/Model/IntegrationService::create: saves the integration and creates its consumer (key and secret) at once;
    /// nothing regenerates them later.
    /// </summary>
    public IntegrationRecord Create(string name, string? callbackUrl, string? identityLinkUrl, IReadOnlyList<string>? resources) => store.Write(state =>
    {
        var consumer = new ConsumerRecord
        {
            Id = state.NextConsumerId++,
            Key = SandboxStore.NewRandom(),
            Secret = SandboxStore.NewRandom(),
            CreatedAt = time.GetUtcNow(),
            UpdatedAt = time.GetUtcNow(),
        };
        state.Consumers.Add(consumer);
        var integration = new IntegrationRecord
        {
            Id = state.NextIntegrationId++,
            Name = name,
            Endpoint = string.IsNullOrWhiteSpace(callbackUrl) ? null : callbackUrl,
            IdentityLinkUrl = string.IsNullOrWhiteSpace(identityLinkUrl) ? null : identityLinkUrl,
            ConsumerId = consumer.Id,
            Resources = resources is { Count: > 0 } ? [.. resources] : [AllResources],
        };
        state.Integrations.Add(integration);
        return integration;
    });

    public IntegrationRecord? Find(int id) => store.Read(state => state.Integrations.FirstOrDefault(i => i.Id == id));

    public IReadOnlyList<IntegrationRecord> List() => store.Read(state => state.Integrations.ToList());

    public ConsumerRecord ConsumerOf(IntegrationRecord integration) => store.Read(state => state.Consumers.First(c => c.Id == integration.ConsumerId));

    public TokenRecord? TokenOf(IntegrationRecord integration) => store.Read(state => state.Tokens.FirstOrDefault(t => t.ConsumerId == integration.ConsumerId));

    /// <summary>Deletes the integration and its consumer; its tokens stop working at once.</summary>
    public bool Delete(int id) => store.Write(state =>
    {
        IntegrationRecord? integration = state.Integrations.FirstOrDefault(i => i.Id == id);
        if (integration is null)
        {
            return false;
        }

        state.Integrations.Remove(integration);
        state.Consumers.RemoveAll(c => c.Id == integration.ConsumerId);
        state.Tokens.RemoveAll(t => t.ConsumerId == integration.ConsumerId);
        return true;
    });

    /// <summary>
    /// I/Controller/Adminhtml/Integration/TokensExchange.php: Reauthorize first deletes the token row (the old access
    /// token dies at once) and marks the integration inactive. With both URLs, OauthService::postToConsumer stamps the
    /// consumer (starting the expiry window), creates or reuses the verifier row, and POSTs the four fields; without
    /// them, TokensDialog creates an access token directly and activates the integration.
    /// </summary>
    public async Task<ActivationResult?> ActivateAsync(int id, bool reauthorize, CancellationToken cancellationToken)
    {
        var prepared = store.Write(state =>
        {
            IntegrationRecord? integration = state.Integrations.FirstOrDefault(i => i.Id == id);
            if (integration is null)
            {
                return null;
            }

            ConsumerRecord consumer = state.Consumers.First(c => c.Id == integration.ConsumerId);
            if (reauthorize)
            {
                state.Tokens.RemoveAll(t => t.ConsumerId == consumer.Id);
                integration.Status = 0;
            }

            if (!integration.IsTokenExchange)
            {
                // I/Model/OauthService::createAccessToken: verifier → request → access, server-side, no expiry check.
                TokenRecord access = ReplaceToken(state, consumer.Id, TokenRecord.Access);
                integration.Status = 1;
                return new Prepared(integration, consumer, null, new ManualCredentials(consumer.Key, consumer.Secret, access.Token, access.Secret));
            }

            consumer.UpdatedAt = time.GetUtcNow();
            TokenRecord? token = state.Tokens.FirstOrDefault(t => t.ConsumerId == consumer.Id);
            if (token is null || token.Type != TokenRecord.Verifier)
            {
                token = ReplaceToken(state, consumer.Id, TokenRecord.Verifier);
            }

            return new Prepared(integration, consumer, token.VerifierCode, null);
        });

        if (prepared is null)
        {
            return null;
        }

        string successCallBack = address.BaseUrl + "admin/integration/loginSuccessCallback";
        if (prepared.Manual is not null)
        {
            return new ActivationResult(null, successCallBack, prepared.Consumer.Key, null, null, prepared.Manual);
        }

        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var (status, error) = await PostToConsumerAsync(prepared.Integration.Endpoint!, prepared.Consumer, prepared.Verifier!, cancellationToken).ConfigureAwait(false);
        double elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (error is not null)
        {
            return new ActivationResult(null, successCallBack, prepared.Consumer.Key, null, error, null, elapsed);
        }

        // integration.js IdentityLogin.invokePopup: identity_link_url + '?' + $.param({...}), appended blindly.
        string popup = prepared.Integration.IdentityLinkUrl + "?oauth_consumer_key=" + Uri.EscapeDataString(prepared.Consumer.Key)
            + "&success_call_back=" + Uri.EscapeDataString(successCallBack);
        return new ActivationResult(popup, successCallBack, prepared.Consumer.Key, status, null, null, elapsed);
    }

    /// <summary>The consumer's one token row, made anew with fresh values (I/Model/Oauth/Token.php).</summary>
    private static TokenRecord ReplaceToken(SandboxSnapshot state, int consumerId, string type)
    {
        state.Tokens.RemoveAll(t => t.ConsumerId == consumerId);
        var token = new TokenRecord
        {
            ConsumerId = consumerId,
            Type = type,
            Token = SandboxStore.NewRandom(),
            Secret = SandboxStore.NewRandom(),
            VerifierCode = SandboxStore.NewRandom(),
        };
        state.Tokens.Add(token);
        return token;
    }

    /// <summary>
    /// The credential POST: form-encoded, exactly four fields, 5 s timeout, no redirects followed, and the answer
    /// never inspected: any HTTP status counts as delivered; only transport failures are errors.
    /// </summary>
    private async Task<(int? Status, string? Error)> PostToConsumerAsync(string endpoint, ConsumerRecord consumer, string verifier, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(
        [
            new("oauth_consumer_key", consumer.Key),
            new("oauth_consumer_secret", consumer.Secret),
            new("store_base_url", StoreBaseUrl(consumer)),
            new("oauth_verifier", verifier),
        ]);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.CallbackTimeout);
        try
        {
            HttpClient client = httpClientFactory.CreateClient(CallbackClient);
            using HttpResponseMessage response = await client.PostAsync(new Uri(endpoint), content, timeout.Token).ConfigureAwait(false);
            LogCallbackPosted(logger, new Uri(endpoint).GetLeftPart(UriPartial.Path), (int)response.StatusCode);
            return ((int)response.StatusCode, null);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogCallbackFailed(logger, new Uri(endpoint).GetLeftPart(UriPartial.Path), e.GetType().Name);
            return (null, "The attempt to post data to consumer failed due to an unexpected error. Please try again later.");
        }
    }

    /// <summary>The store base URL announced to this consumer's app: the sandbox's own, or its own store's with separate stores.</summary>
    private string StoreBaseUrl(ConsumerRecord consumer)
    {
        if (!options.SeparateStores)
        {
            return address.BaseUrl;
        }

        int id = store.Read(state => state.Integrations.First(i => i.ConsumerId == consumer.Id).Id);
        return address.BaseUrl + "stores/" + id.ToString(CultureInfo.InvariantCulture) + "/";
    }

    public static string StatusText(IntegrationRecord integration) => integration.Status == 1 ? "active" : "inactive";

    public static string Id(IntegrationRecord integration) => integration.Id.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(3001, LogLevel.Information, "Posted integration credentials to {Endpoint}: HTTP {Status}")]
    private static partial void LogCallbackPosted(ILogger logger, string endpoint, int status);

    [LoggerMessage(3002, LogLevel.Warning, "Could not post integration credentials to {Endpoint}: {Failure}")]
    private static partial void LogCallbackFailed(ILogger logger, string endpoint, string failure);

    private sealed record Prepared(IntegrationRecord Integration, ConsumerRecord Consumer, string? Verifier, ManualCredentials? Manual);
}

/// <summary>The sandbox's own base URL, known once it listens; it is the store_base_url it announces.</summary>
internal sealed class SandboxAddress
{
    public string BaseUrl { get; set; } = "http://127.0.0.1/";
}
