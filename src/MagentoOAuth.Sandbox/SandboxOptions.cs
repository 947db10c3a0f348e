using MagentoOAuth.Sandbox.Oauth;

namespace MagentoOAuth.Sandbox;

/// <summary>How the sandbox behaves. Defaults are Magento's.</summary>
public sealed class SandboxOptions
{
    // The switches a running sandbox may change (PUT /sandbox/api/store) live in one immutable snapshot, swapped
    // atomically: requests read the properties at the time they need them, so a change applies at once, and the web
    // server front reads the snapshot once per request, so it never sees half of a change.
    private StoreSwitches _switches = new();

    /// <summary>How long after the credential POST a request token may be asked for (Magento's <c>oauth/consumer/expiration_period</c>, 300 s).</summary>
    public TimeSpan ConsumerExpiry { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Which Magento signer to imitate; the newest by default. Changeable at run time.</summary>
    public SignerGeneration Signer
    {
        get => Switches.Signer;
        set => Change(s => s with { Signer = value });
    }

    /// <summary>Accept integration access tokens as <c>Authorization: Bearer</c> (Magento: off by default). Changeable at run time.</summary>
    public bool AllowBearer
    {
        get => Switches.AllowBearer;
        set => Change(s => s with { AllowBearer = value });
    }

    /// <summary>Where to keep state across restarts; <see langword="null"/> keeps it in memory.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The callback POST's timeout (Magento's <c>oauth/consumer/post_timeout</c>, 5 s).</summary>
    public TimeSpan CallbackTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Failures to inject (500s, slow answers, resets, timeouts); see <see cref="Faults.SandboxFault"/>. Replaceable at run time through the scriptable API.</summary>
    public IList<Faults.SandboxFault> Faults { get; } = [];

    /// <summary>Seeds the fault dice, so a run can be repeated.</summary>
    public int? FaultSeed { get; set; }

    /// <summary>
    /// Makes each integration its own store, at <c>{base}stores/{id}/</c> (as a Magento installed in a subfolder), so one
    /// sandbox stands in for many merchants in load and concurrency tests.
    /// </summary>
    public bool SeparateStores { get; set; }

    /// <summary>
    /// Runs before each token step (<c>"request"</c> or <c>"access"</c>) is processed, to hold or drop it: return false
    /// and the connection is aborted with nothing processed, as when the store or the network fails mid-way.
    /// </summary>
    public Func<string, CancellationToken, Task<bool>>? BeforeTokenStep { get; set; }

    /// <summary>
    /// Moves the sandbox's clock, to imitate a store whose clock differs from the client's: for timestamp checks and in
    /// the <c>Date</c> header of every answer. Within ±10⁹ seconds. Changeable at run time.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The offset is larger than ±10⁹ seconds.</exception>
    public TimeSpan ClockOffset
    {
        get => Switches.ClockOffset;
        set
        {
            if (StoreSwitches.ClockOffsetProblem(value.TotalSeconds) is { } problem)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, problem);
            }

            Change(s => s with { ClockOffset = value });
        }
    }

    /// <summary>
    /// Removes the <c>Authorization</c> header before Magento's code sees it, on every storefront path (REST and the
    /// token endpoints), as Apache does for PHP run as CGI/FastCGI without <c>CGIPassAuth On</c>: REST callers are
    /// guests, and the token endpoints report every OAuth parameter missing. Changeable at run time.
    /// </summary>
    public bool StripAuthorization
    {
        get => Switches.StripAuthorization;
        set => Change(s => s with { StripAuthorization = value });
    }

    /// <summary>
    /// <c>user:password</c>: every storefront request (all but <c>/sandbox/api</c> and <c>/admin</c>) must carry
    /// <c>Authorization: Basic</c> with these credentials, or the web server answers 401 with
    /// <c>WWW-Authenticate: Basic realm="Staging"</c>, as a password-protected staging store does. With them, the header
    /// holds Basic and no OAuth, so Magento sees a guest. <see langword="null"/> (the default) asks for nothing.
    /// Changeable at run time.
    /// </summary>
    /// <exception cref="ArgumentException">The value has no ':', an empty user, or control characters.</exception>
    public string? BasicAuth
    {
        get => Switches.BasicAuth;
        set
        {
            if (StoreSwitches.BasicAuthProblem(value) is { } problem)
            {
                throw new ArgumentException(problem, nameof(value));
            }

            Change(s => s with { BasicAuth = value });
        }
    }

    /// <summary>
    /// An absolute http(s) base URL ending in '/': every storefront request for another scheme or authority is answered
    /// <c>301 Moved Permanently</c> to this URL with the same path and query, as an http→https or non-www→www rule
    /// does; requests at its authority are served. <see langword="null"/> (the default) redirects nothing. Changeable at
    /// run time.
    /// </summary>
    /// <exception cref="ArgumentException">The value is not an absolute http(s) URL ending in '/' without a query.</exception>
    public string? RedirectTo
    {
        get => Switches.RedirectTo;
        set
        {
            string? normalized = StoreSwitches.NormalizeRedirect(value, out string? problem);
            if (problem is not null)
            {
                throw new ArgumentException(problem, nameof(value));
            }

            Change(s => s with { RedirectTo = normalized });
        }
    }

    /// <summary>
    /// Serves <c>GET /magento_version</c> (<c>Magento/2.4 (Community)</c>), as Magento_Version does; false answers 404,
    /// as a store that disabled the module does. Changeable at run time.
    /// </summary>
    public bool ExposeVersion
    {
        get => Switches.ExposeVersion;
        set => Change(s => s with { ExposeVersion = value });
    }

    /// <summary>
    /// Imitates a web server with no rewrite rules: <c>/rest/…</c>, <c>/oauth/…</c> and <c>/magento_version</c> answer
    /// the web server's 404, and only the <c>/index.php/…</c> forms reach Magento. Changeable at run time.
    /// </summary>
    public bool RequireIndexPhp
    {
        get => Switches.RequireIndexPhp;
        set => Change(s => s with { RequireIndexPhp = value });
    }

    /// <summary>
    /// Host names, besides <c>localhost</c> and IP addresses, that requests may name (a name in <c>/etc/hosts</c>, or a
    /// tunnel's). Every other name is refused, so a DNS name rebound to 127.0.0.1 by a web page cannot reach the sandbox.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>The current switches, one consistent snapshot.</summary>
    internal StoreSwitches Switches => Volatile.Read(ref _switches);

    /// <summary>Applies <paramref name="change"/> to the current switches atomically (retried if another change won the race).</summary>
    internal void Change(Func<StoreSwitches, StoreSwitches> change)
    {
        StoreSwitches current = Volatile.Read(ref _switches);
        while (true)
        {
            StoreSwitches seen = Interlocked.CompareExchange(ref _switches, change(current), current);
            if (ReferenceEquals(seen, current))
            {
                return;
            }

            current = seen;
        }
    }
}
