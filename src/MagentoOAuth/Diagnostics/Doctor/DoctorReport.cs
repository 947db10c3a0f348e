using MagentoOAuth.Signing;

namespace MagentoOAuth.Diagnostics.Doctor;

/// <summary>Every check's outcome, in the fixed order, and what was learned on the way.</summary>
public sealed record DoctorReport
{
    /// <summary>The base URL examined.</summary>
    public required Uri Target { get; init; }

    /// <summary>One entry per check, in the order listed on <see cref="StoreDoctor.CheckIds"/>.</summary>
    public required IReadOnlyList<DoctorCheck> Checks { get; init; }

    /// <summary>The base URL the store's REST API answers at, when it differs from <see cref="Target"/> (a redirect, index.php).</summary>
    public Uri? WorkingBaseUrl { get; init; }

    /// <summary>The signer generation the <c>signer</c> check found, if it could tell.</summary>
    public SignatureProfile? Signer { get; init; }

    /// <summary>True when any check failed.</summary>
    public bool Failed => Checks.Any(c => c.Status == DoctorStatus.Fail);
}
