using System.Net.Http.Headers;
using MagentoOAuth.Signing;

namespace MagentoOAuth.Diagnostics.Doctor;

/// <summary>What one doctor run shares between its checks: the HTTP client, the base URL in use and what was seen.</summary>
internal sealed class DoctorSession(HttpClient http, DoctorRequest request, TimeProvider time)
{
    private readonly OAuthSigner _signer = new(time);

    public DoctorRequest Request { get; } = request;

    public TimeProvider Time { get; } = time;

    /// <summary>The base URL the remaining checks use: the target, or where a redirect or index.php led.</summary>
    public Uri Base { get; set; } = request.StoreBaseUrl;

    public OAuthCredentials? Credentials => Request.Credentials;

    public bool HasTokens => Request.Credentials?.Token is not null;

    public SignatureProfile Profile { get; set; } = request.Profile;

    /// <summary>The store's clock minus ours, from the first Date header seen (null until one arrives).</summary>
    public TimeSpan? ClockSkew { get; private set; }

    /// <summary>The anonymous answer of the REST probe path, once fetched.</summary>
    public Probe? Anonymous { get; set; }

    /// <summary>The realm of an HTTP basic auth challenge seen in front of Magento, if any.</summary>
    public string? BasicRealm { get; set; }

    /// <summary>True once a correctly signed call got 200: then a refusal of another kind of call means something.</summary>
    public bool SignedCallAccepted { get; set; }

    /// <summary>Set when the remaining checks must not run (the store redirects to another site); says why.</summary>
    public string? Halt { get; set; }

    /// <summary>The generation the signer check found.</summary>
    public SignatureProfile? Signer { get; set; }

    public const string ProbePath = "rest/V1/store/storeConfigs";

    public Task<Probe> GetAsync(string relative, CancellationToken cancellationToken, Action<HttpRequestMessage>? configure = null) =>
        SendAsync(HttpMethod.Get, new Uri(Base, relative), configure, cancellationToken);

    public async Task<Probe> SendAsync(HttpMethod method, Uri url, Action<HttpRequestMessage>? configure, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(method, url);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        configure?.Invoke(message);
        DateTimeOffset sent = Time.GetUtcNow();
        using HttpResponseMessage response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        DateTimeOffset received = Time.GetUtcNow();
        Probe probe = await Probe.ReadAsync(response, cancellationToken).ConfigureAwait(false);
        if (ClockSkew is null && probe.Date is { } date)
        {
            // The Date header has whole seconds: compare with the middle of the exchange.
            ClockSkew = date - (sent + ((received - sent) / 2));
        }

        return probe;
    }

    /// <summary>A signed GET: with the profile in use, a fresh nonce, and the credentials given (or others, for probes).</summary>
    public Task<Probe> SignedGetAsync(string relative, CancellationToken cancellationToken, OAuthCredentials? credentials = null, SignatureProfile? profile = null,
        OAuthSignatureMethod method = OAuthSignatureMethod.HmacSha256, string? signedScheme = null)
    {
        Uri url = new(Base, relative);
        OAuthCredentials signWith = credentials ?? Credentials ?? throw new InvalidOperationException("No credentials.");
        // signedScheme: sign for another scheme than sent, as a store behind a TLS offloader computes it.
        Uri signed = signedScheme is null ? url : new UriBuilder(url) { Scheme = signedScheme, Port = url.IsDefaultPort ? -1 : url.Port }.Uri;
        string header = _signer.CreateAuthorizationHeader(new OAuthRequest("GET", signed) { Profile = profile ?? Profile, SignatureMethod = method }, signWith);
        return SendAsync(HttpMethod.Get, url, m => m.Headers.TryAddWithoutValidation("Authorization", header), cancellationToken);
    }
}
