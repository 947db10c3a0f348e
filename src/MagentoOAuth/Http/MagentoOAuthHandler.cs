using System.Net.Http.Headers;
using MagentoOAuth.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MagentoOAuth.Http;

/// <summary>
/// Signs every request that passes through it with the store's credentials, the way Magento verifies them: the URL as
/// sent (made portable first by default), form bodies signed, JSON bodies not, a fresh nonce and timestamp each time,
/// so a retry handler placed before this one re-signs each attempt.
/// </summary>
public sealed class MagentoOAuthHandler : DelegatingHandler
{
    private readonly MagentoOAuthOptions _options;
    private readonly OAuthSigner _signer;
    private readonly ILogger _logger;
    private readonly OAuthCredentials? _staticCredentials;

    // Request shapes already checked for portability: each is analysed and logged once, not on every call.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, byte> _analysedShapes = new();
    private const int MaxAnalysedShapes = 1024;

    /// <summary>Signs one request with another profile than the options' (set it in <see cref="HttpRequestMessage.Options"/>).</summary>
    public static readonly HttpRequestOptionsKey<SignatureProfile> ProfileOption = new("MagentoOAuth.SignatureProfile");

    /// <summary>Creates the handler.</summary>
    /// <param name="options">Credentials and signing choices; validated here.</param>
    /// <param name="timeProvider">The clock for timestamps.</param>
    /// <param name="logger">A logger; never receives a secret or a query string.</param>
    public MagentoOAuthHandler(MagentoOAuthOptions options, TimeProvider? timeProvider = null, ILogger<MagentoOAuthHandler>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _signer = new OAuthSigner(timeProvider);
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _staticCredentials = options.CreateStaticCredentials();
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SignedRequestTelemetry.Enabled ? SendObservedAsync(request, cancellationToken) : SendSignedAsync(request, cancellationToken);
    }

    /// <summary>With a listener: one span, one count and one duration per signed request (see <see cref="SignedRequestTelemetry"/>).</summary>
    private async Task<HttpResponseMessage> SendObservedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using System.Diagnostics.Activity? activity = SignedRequestTelemetry.Start(request);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await SendSignedAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            SignedRequestTelemetry.Stop(request, started, null, e, activity);
            throw;
        }

        SignedRequestTelemetry.Stop(request, started, (int)response.StatusCode, null, activity);
        return response;
    }

    private Task<HttpResponseMessage> SendSignedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {

        // The common case, fixed credentials and no form body, signs synchronously and passes the request straight on:
        // no async state machine of its own on every call. Failures still come back as a faulted task, as before.
        if (_staticCredentials is { } credentials && !IsFormBody(request.Content))
        {
            try
            {
                Authorize(request, RequireAbsoluteUri(request), credentials, formBody: null);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                return Task.FromException<HttpResponseMessage>(e);
            }

            return base.SendAsync(request, cancellationToken);
        }

        return SendWithLookupsAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendWithLookupsAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Uri uri = RequireAbsoluteUri(request);
        OAuthCredentials credentials = _staticCredentials
            ?? await _options.CredentialsProvider!(request, cancellationToken).ConfigureAwait(false);
        string? formBody = null;
        if (_options.Mode != MagentoAuthenticationMode.Bearer && IsFormBody(request.Content))
        {
            // Buffered content can be read again by the transport (and by a retry).
            await request.Content!.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            formBody = await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }

        Authorize(request, uri, credentials, formBody);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static Uri RequireAbsoluteUri(HttpRequestMessage request) =>
        request.RequestUri is { IsAbsoluteUri: true } uri
            ? uri
            : throw new InvalidOperationException("A Magento request needs an absolute URL: set the HttpClient's BaseAddress to the store base URL.");

    private void Authorize(HttpRequestMessage request, Uri uri, OAuthCredentials credentials, string? formBody)
    {
        request.Headers.Authorization = null;
        if (_options.Mode == MagentoAuthenticationMode.Bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials.Token
                ?? throw new InvalidOperationException("Bearer mode needs an access token."));
            LogSigned(request, uri, "Bearer", _options.Profile);
            return;
        }

        if (_options.PortableRequests && !PortableRequest.IsInPortableForm(uri))
        {
            uri = PortableRequest.ToPortableUri(uri);
            request.RequestUri = uri;
        }

        var toSign = new OAuthRequest(request.Method.Method, uri)
        {
            FormBody = formBody,
            Profile = request.Options.TryGetValue(ProfileOption, out SignatureProfile profile) ? profile : _options.Profile,
            SignatureMethod = _options.SignatureMethod,

            // Magento signs the Host header it receives; one set explicitly (a load balancer, an IP) goes on the wire.
            Host = request.Headers.Host,
        };
        if (_logger.IsEnabled(LogLevel.Warning) && _analysedShapes.Count < MaxAnalysedShapes && _analysedShapes.TryAdd(ShapeHash(toSign), 0))
        {
            foreach (PortabilityIssue issue in PortabilityAnalyzer.Analyze(toSign))
            {
                Log.RequestNotPortable(_logger, request.Method.Method, uri.AbsolutePath, issue.GenerationNames, issue.Rule);
            }
        }

        request.Headers.TryAddWithoutValidation("Authorization", _signer.CreateAuthorizationHeader(toSign, credentials));
        LogSigned(request, uri, "OAuth1", toSign.Profile);
    }

    private void LogSigned(HttpRequestMessage request, Uri uri, string mode, SignatureProfile profile)
    {
        // Uri.AbsolutePath builds a new string each time: only when the line is written.
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.RequestSigned(_logger, request.Method.Method, uri.AbsolutePath, mode, profile);
        }
    }

    /// <summary>
    /// A hash of the method, path, parameter names and options: what portability depends on once the URL is in
    /// portable form. Computed on spans, without allocating; a rare collision only skips a log line.
    /// </summary>
    private static long ShapeHash(in OAuthRequest request)
    {
        var hash = new HashCode();
        hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(request.Method.AsSpan()));
        hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(BaseUriRules.PathOf(request.Uri)));
        ReadOnlySpan<char> query = BaseUriRules.QueryOf(request.Uri);
        foreach (Range range in query.Split('&'))
        {
            ReadOnlySpan<char> pair = query[range];
            int equals = pair.IndexOf('=');
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(equals < 0 ? pair : pair[..equals]));
            hash.Add('&');
        }

        hash.Add(request.FormBody is null ? 0 : request.FormBody.Length);
        hash.Add(request.Host);
        hash.Add(request.Profile);
        hash.Add(request.SignatureMethod);
        return hash.ToHashCode();
    }

    /// <summary>
    /// Magento signs a body only when its Content-Type starts with <c>application/x-www-form-urlencoded</c>, compared
    /// case-sensitively (Magento: F/Oauth/Helper/Request.php); JSON and XML bodies are never signed.
    /// </summary>
    private static bool IsFormBody(HttpContent? content) =>
        content?.Headers.ContentType?.MediaType is { } mediaType
        && mediaType.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal);
}
