using MagentoOAuth.Signing;

namespace MagentoOAuth.Diagnostics;

/// <summary>
/// What <see cref="SignatureVerifier"/> found for one captured request: the parameters it carries, whether its
/// signature is right under RFC 5849 and each Magento generation, and which known client mistake, if any, reproduces it.
/// Holds no secret; <see cref="Parameters"/> holds <c>oauth_token</c> as the request carried it.
/// </summary>
public sealed record SignatureVerification
{
    /// <summary>Every parameter the request carries, decoded: the Authorization header's, then the query's, then the form body's.</summary>
    public required IReadOnlyList<CarriedParameter> Parameters { get; init; }

    /// <summary>The signature method the header names.</summary>
    public required string SignatureMethod { get; init; }

    /// <summary>One verdict for RFC 5849 and one per Magento generation, in that order.</summary>
    public required IReadOnlyList<GenerationVerdict> Verdicts { get; init; }

    /// <summary>The known mistakes that reproduce the signature the request carries (empty when none does).</summary>
    public required IReadOnlyList<ClientMistake> Mistakes { get; init; }

    /// <summary>Reasons Magento refuses the request whatever its signature (an HMAC-SHA1 request on 2.4.4+, oauth_version not 1.0).</summary>
    public required IReadOnlyList<string> Problems { get; init; }

    /// <summary>
    /// The base string a correct client signs for <see cref="ExpectedProfile"/>: the generation asked for, else the first
    /// counted generation the signature fails, else RFC 5849. Holds <c>oauth_token</c>.
    /// </summary>
    public required string ExpectedBaseString { get; init; }

    /// <summary>What the verdicts assume and the reader should know (a path .NET rewrote before checking).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The profile <see cref="ExpectedBaseString"/> is built for.</summary>
    public SignatureProfile ExpectedProfile { get; init; }

    /// <summary>True when the signature is right for every generation the request can reach (see <see cref="GenerationVerdict.Reachable"/>).</summary>
    public bool Verified => Problems.Count == 0 && Verdicts.Any(v => v.Reachable) && Verdicts.Where(v => v.Reachable).All(v => v.SignatureValid);
}

/// <summary>A parameter as the request carries it.</summary>
/// <param name="Source"><c>header</c>, <c>query</c> or <c>body</c>.</param>
/// <param name="Name">The decoded name.</param>
/// <param name="Value">The decoded value.</param>
public sealed record CarriedParameter(string Source, string Name, string Value);

/// <summary>Whether the signature is right as one signer builds the base string.</summary>
/// <param name="Profile">RFC 5849 or a Magento generation.</param>
/// <param name="Reachable">
/// False when that generation refuses the request before the signature (HMAC-SHA1 on G2–G4), or when only one
/// generation was asked for and this is another; RFC 5849 itself is never "reachable": it is shown for reference.
/// </param>
/// <param name="SignatureValid">The signature matches the one this profile computes.</param>
public sealed record GenerationVerdict(SignatureProfile Profile, bool Reachable, bool SignatureValid)
{
    /// <summary><c>rfc5849</c>, <c>g1</c> … <c>g4</c>.</summary>
    public string Name => Profile == SignatureProfile.Rfc5849 ? "rfc5849" : "g" + (int)Profile;
}

/// <summary>A known client mistake that reproduces the signature a request carries.</summary>
/// <param name="Id">A stable id, as listed in docs/troubleshooting.md (e.g. <c>query-left-out</c>).</param>
/// <param name="Title">The mistake in a few words.</param>
/// <param name="Cause">What the client did.</param>
/// <param name="Fix">What to change in the client.</param>
public sealed record ClientMistake(string Id, string Title, string Cause, string Fix);
