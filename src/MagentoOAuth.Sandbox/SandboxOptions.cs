using MagentoOAuth.Sandbox.Oauth;

namespace MagentoOAuth.Sandbox;

/// <summary>How the sandbox behaves. Defaults are Magento's.</summary>
public sealed class SandboxOptions
{
    /// <summary>How long after the credential POST a request token may be asked for (Magento's <c>oauth/consumer/expiration_period</c>, 300 s).</summary>
    public TimeSpan ConsumerExpiry { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Which Magento signer to imitate; the newest by default.</summary>
    public SignerGeneration Signer { get; set; } = SignerGeneration.G4;

    /// <summary>Accept integration access tokens as <c>Authorization: Bearer</c> (Magento: off by default).</summary>
    public bool AllowBearer { get; set; }

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

    /// <summary>Moves the sandbox's clock for timestamp checks, to imitate a store whose clock differs from the client's.</summary>
    public TimeSpan ClockOffset { get; set; }

    /// <summary>
    /// Host names, besides <c>localhost</c> and IP addresses, that requests may name (a name in <c>/etc/hosts</c>, or a
    /// tunnel's). Every other name is refused, so a DNS name rebound to 127.0.0.1 by a web page cannot reach the sandbox.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];
}
