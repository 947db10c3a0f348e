using System.Net;
using System.Text.Json;
using MagentoOAuth.AspNetCore.Clients;
using MagentoOAuth.AspNetCore.Telemetry;
using MagentoOAuth.Errors;
using MagentoOAuth.Exchange;
using MagentoOAuth.Signing;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.AspNetCore.Exchange;

/// <summary>
/// One step of a store's exchange against Magento: request token (only within the consumer expiry), access token,
/// then a signed <c>GET /V1/store/storeConfigs</c>. Talks to Magento and returns what to store; stores nothing.
/// </summary>
internal sealed class ExchangeSteps(MagentoTokenClient tokenClient, MagentoClientFactory clients, IOptions<MagentoIntegrationOptions> options, TimeProvider time)
{
    private readonly MagentoIntegrationOptions _options = options.Value;

    /// <summary>The outcome of a step: how to change the stored connection, and whether the tokens are now verified.</summary>
    public sealed record Outcome(Func<StoreConnection, StoreConnection> Apply, bool Verified);

    public Task<Outcome> RunAsync(StoreConnection s, CancellationToken cancellationToken) =>
        IntegrationTelemetry.StepAsync(s, () => RunStepAsync(s, cancellationToken));

    private async Task<Outcome> RunStepAsync(StoreConnection s, CancellationToken cancellationToken)
    {
        var baseUrl = new Uri(s.StoreBaseUrl);
        switch (s.Step)
        {
            case ExchangeStep.Received:
                if (time.GetUtcNow() >= s.ReceivedAt + _options.ConsumerExpiry)
                {
                    throw new MagentoOAuthException(MagentoProblem.ConsumerKeyExpired, null, null,
                        $"The exchange could not start within the consumer expiry ({_options.ConsumerExpiry.TotalSeconds:0} s) of the credential POST.",
                        "Click Reauthorize on the integration in the Magento admin.");
                }

                OAuthToken request = await tokenClient.GetRequestTokenAsync(baseUrl, new OAuthCredentials(s.ConsumerKey, s.ConsumerSecret), cancellationToken);
                return new Outcome(c => c with { Step = ExchangeStep.RequestToken, RequestToken = request.Token, RequestTokenSecret = request.Secret, StatusReason = "Request token received." }, false);

            case ExchangeStep.RequestToken:
                OAuthToken access = await tokenClient.GetAccessTokenAsync(baseUrl,
                    new OAuthCredentials(s.ConsumerKey, s.ConsumerSecret, s.RequestToken!, s.RequestTokenSecret!), s.Verifier!, cancellationToken);
                return new Outcome(c => c with
                {
                    Step = ExchangeStep.AccessToken, AccessToken = access.Token, AccessTokenSecret = access.Secret,
                    RequestToken = null, RequestTokenSecret = null, Verifier = null, StatusReason = "Access token received; verifying.",
                }, false);

            default:
                return await VerifyAsync(s, cancellationToken);
        }
    }

    /// <summary>A signed <c>GET /V1/store/storeConfigs</c> proves the tokens work, and tells the store's name, locale and currency.</summary>
    private async Task<Outcome> VerifyAsync(StoreConnection s, CancellationToken cancellationToken)
    {
        using HttpClient client = clients.CreateVerificationClient(s);
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync("V1/store/storeConfigs", cancellationToken);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            throw new MagentoOAuthException(MagentoProblem.UnexpectedResponse, 200, null,
                $"The store answered more than {MagentoClientFactory.MaxVerificationAnswer / 1024} kB to GET /V1/store/storeConfigs, which Magento never does.",
                "Use the store_base_url Magento posted, unchanged; check that nothing between us and the store rewrites answers.");
        }

        using (response)
        {
            return await VerifiedAsync(response, cancellationToken);
        }
    }

    private static async Task<Outcome> VerifiedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.OK)
        {
            using JsonDocument document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            JsonElement configs = document.RootElement;
            JsonElement first = configs.ValueKind == JsonValueKind.Array && configs.GetArrayLength() > 0 ? configs[0] : default;
            string? Text(string name) => first.ValueKind == JsonValueKind.Object && first.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            (string? name, string? locale, string? currency) = (Text("code"), Text("locale"), Text("base_currency_code"));
            return new Outcome(c => c with { Step = ExchangeStep.Verified, StatusReason = null, StoreName = name, Locale = locale, Currency = currency }, true);
        }

        MagentoOAuthException error = await MagentoErrorParser.ToExceptionAsync(response, cancellationToken);
        if (error.Problem == MagentoProblem.NotAuthorized)
        {
            // The signature was accepted (the ACL check comes after it); the integration just may not read store settings.
            return new Outcome(c => c with { Step = ExchangeStep.Verified, StatusReason = "Verified; the integration may not read store settings (Magento_Backend::store), so name, locale and currency are unknown." }, true);
        }

        throw error;
    }

    /// <summary>The reason stored when Magento refuses a step.</summary>
    public static string Explain(StoreConnection s, MagentoOAuthException e) => e.Problem switch
    {
        MagentoProblem.RequestTokenAlreadyIssued when s.Step == ExchangeStep.Received =>
            "Magento already issued this activation's request token, but it was not recorded (the process stopped at that moment). Click Reauthorize in the Magento admin.",
        MagentoProblem.TokenNotFound when s.Step == ExchangeStep.RequestToken =>
            "Magento already exchanged this activation's request token, but the access token was not recorded (the process stopped at that moment). Click Reauthorize in the Magento admin.",
        _ => $"{(e.MagentoMessage is null ? string.Empty : $"Magento said \"{e.MagentoMessage}\". ")}{e.Cause} {e.Fix}",
    };
}
