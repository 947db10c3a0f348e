using System.Net;
using MagentoOAuth.Errors;
using MagentoOAuth.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MagentoOAuth.Exchange;

/// <summary>
/// Exchanges the credentials Magento posts to an integration's Callback URL for an access token: a signed
/// <c>POST {base}oauth/token/request</c>, then <c>POST {base}oauth/token/access</c> with the verifier. Magento answers
/// form-encoded bodies served as text/html; refusals become <see cref="MagentoOAuthException"/>. Thread-safe.
/// </summary>
/// <remarks>
/// The request step must start within the consumer expiry (300 s by default) of the credential POST and works once per
/// activation; the access step has no time limit (Magento: I/Model/Oauth/Consumer.php isValidForTokenExchange,
/// I/Model/Oauth/Token/Provider.php). The client follows no redirects: a redirected request no longer matches its signature.
/// </remarks>
public class MagentoTokenClient
{
    private readonly HttpClient _httpClient;
    private readonly MagentoTokenClientOptions _options;
    private readonly OAuthSigner _signer;
    private readonly ILogger _logger;

    /// <summary>Creates a client over <paramref name="httpClient"/>, which should not follow redirects.</summary>
    /// <param name="httpClient">The HTTP client (from <c>IHttpClientFactory</c> via <c>AddMagentoTokenClient</c>).</param>
    /// <param name="options">Signing options.</param>
    /// <param name="timeProvider">The clock for timestamps.</param>
    /// <param name="logger">A logger; never receives a secret.</param>
    public MagentoTokenClient(HttpClient httpClient, MagentoTokenClientOptions? options = null, TimeProvider? timeProvider = null, ILogger<MagentoTokenClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _httpClient = httpClient;
        _options = options ?? new MagentoTokenClientOptions();
        _signer = new OAuthSigner(timeProvider);
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>For mocking.</summary>
    protected MagentoTokenClient()
    {
        _httpClient = null!;
        _options = new MagentoTokenClientOptions();
        _signer = OAuthSigner.Default;
        _logger = NullLogger.Instance;
    }

    /// <summary>Runs both steps and returns the access-token credentials, ready for signing REST calls.</summary>
    /// <param name="storeBaseUrl">The <c>store_base_url</c> Magento posted.</param>
    /// <param name="consumerKey">The posted <c>oauth_consumer_key</c>.</param>
    /// <param name="consumerSecret">The posted <c>oauth_consumer_secret</c>.</param>
    /// <param name="verifier">The posted <c>oauth_verifier</c>.</param>
    /// <param name="cancellationToken">Cancels the exchange.</param>
    public virtual async Task<OAuthCredentials> ExchangeAsync(Uri storeBaseUrl, string consumerKey, string consumerSecret, string verifier, CancellationToken cancellationToken = default)
    {
        var consumer = new OAuthCredentials(consumerKey, consumerSecret);
        OAuthToken requestToken = await GetRequestTokenAsync(storeBaseUrl, consumer, cancellationToken).ConfigureAwait(false);
        OAuthToken accessToken = await GetAccessTokenAsync(storeBaseUrl, consumer.WithToken(requestToken.Token, requestToken.Secret), verifier, cancellationToken).ConfigureAwait(false);
        return consumer.WithToken(accessToken.Token, accessToken.Secret);
    }

    /// <summary>Step 1: <c>POST {base}oauth/token/request</c>, signed with the consumer secret.</summary>
    /// <param name="storeBaseUrl">The store base URL.</param>
    /// <param name="consumer">The consumer key and secret (no token).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public virtual Task<OAuthToken> GetRequestTokenAsync(Uri storeBaseUrl, OAuthCredentials consumer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        if (consumer.Token is not null)
        {
            throw new ArgumentException("The request-token step is signed with the consumer credentials only.", nameof(consumer));
        }

        return PostAsync(MagentoEndpoints.RequestToken(storeBaseUrl), consumer, verifier: null, "request", cancellationToken);
    }

    /// <summary>Step 2: <c>POST {base}oauth/token/access</c>, signed with the consumer and request-token secrets.</summary>
    /// <param name="storeBaseUrl">The store base URL.</param>
    /// <param name="requestToken">The consumer credentials with the request token from step 1.</param>
    /// <param name="verifier">The <c>oauth_verifier</c> Magento posted.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public virtual Task<OAuthToken> GetAccessTokenAsync(Uri storeBaseUrl, OAuthCredentials requestToken, string verifier, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestToken);
        ArgumentException.ThrowIfNullOrEmpty(verifier);
        if (requestToken.Token is null)
        {
            throw new ArgumentException("The access-token step needs the request token from the first step.", nameof(requestToken));
        }

        return PostAsync(MagentoEndpoints.AccessToken(storeBaseUrl), requestToken, verifier, "access", cancellationToken);
    }

    private async Task<OAuthToken> PostAsync(Uri endpoint, OAuthCredentials credentials, string? verifier, string step, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        string header = _signer.CreateAuthorizationHeader(
            new OAuthRequest("POST", endpoint) { Verifier = verifier, SignatureMethod = _options.SignatureMethod, Profile = _options.Profile },
            credentials);
        request.Headers.TryAddWithoutValidation("Authorization", header);

        Log.TokenStepStarting(_logger, step, endpoint.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped));
        using HttpResponseMessage response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            MagentoOAuthException error = await MagentoErrorParser.ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
            Log.TokenStepRefused(_logger, step, (int)response.StatusCode, error.Problem);
            throw error;
        }

        string body = await MagentoErrorParser.ReadBodyAsync(response.Content, cancellationToken).ConfigureAwait(false);
        OAuthToken token = ParseToken(body)
            ?? throw MagentoErrorParser.FromBody(200, body, response.Content.Headers.ContentType, MagentoErrorParser.Describe(request)) switch
            {
                { Problem: MagentoProblem.UnexpectedResponse } html => html,
                _ => new MagentoOAuthException(MagentoProblem.UnexpectedResponse, 200, null,
                    "The answer has no oauth_token and oauth_token_secret, so it did not come from Magento's OAuth endpoint.",
                    "Use the store_base_url Magento posted, unchanged; check that nothing between us and the store rewrites answers.",
                    MagentoErrorParser.Describe(request)),
            };
        Log.TokenStepSucceeded(_logger, step);
        return token;
    }

    /// <summary>Parses <c>oauth_token=…&amp;oauth_token_secret=…</c> (Magento: http_build_query, no oauth_callback_confirmed).</summary>
    internal static OAuthToken? ParseToken(string body)
    {
        string? token = null;
        string? secret = null;
        foreach (string pair in body.Trim().Split('&'))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            string value = Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            switch (pair[..equals])
            {
                case "oauth_token":
                    token = value;
                    break;
                case "oauth_token_secret":
                    secret = value;
                    break;
            }
        }

        return string.IsNullOrEmpty(token) || string.IsNullOrEmpty(secret) ? null : new OAuthToken(token, secret);
    }
}
