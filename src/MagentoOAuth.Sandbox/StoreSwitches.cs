using MagentoOAuth.Sandbox.Oauth;

namespace MagentoOAuth.Sandbox;

/// <summary>
/// The switches of <see cref="SandboxOptions"/> that can change while the sandbox runs (<c>PUT /sandbox/api/store</c>),
/// as one immutable snapshot: a request reads it once and sees one consistent store, and a change swaps it whole.
/// </summary>
internal sealed record StoreSwitches
{
    /// <summary>The largest clock offset accepted, about 31 years: the shifted clock stays a valid date.</summary>
    public const double MaxClockOffsetSeconds = 1e9;

    public SignerGeneration Signer { get; init; } = SignerGeneration.G4;

    public bool AllowBearer { get; init; }

    public TimeSpan ClockOffset { get; init; }

    public bool StripAuthorization { get; init; }

    public string? BasicAuth { get; init; }

    public string? RedirectTo { get; init; }

    public bool ExposeVersion { get; init; } = true;

    public bool RequireIndexPhp { get; init; }

    /// <summary>
    /// <c>user:password</c> as RFC 7617 has it: the user id cannot contain ':' (the first ':' ends it) and must not be
    /// empty here; the password may hold anything but control characters (which no header can carry).
    /// </summary>
    public static string? BasicAuthProblem(string? value) =>
        value is null ? null
        : value.IndexOf(':', StringComparison.Ordinal) <= 0 ? "The basic auth credentials must be USER:PASSWORD with a non-empty user."
        : value.Any(char.IsControl) ? "The basic auth credentials cannot contain control characters."
        : null;

    /// <summary>An absolute http(s) base URL ending in '/', with no user info, query or fragment; returned in canonical form.</summary>
    public static string? NormalizeRedirect(string? value, out string? problem)
    {
        problem = null;
        if (value is null)
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || !value.EndsWith('/') || !uri.AbsoluteUri.EndsWith('/'))
        {
            problem = "The redirect target must be an absolute http(s) base URL ending in '/', without a query, e.g. https://localhost:8443/.";
            return null;
        }

        return uri.AbsoluteUri;
    }

    public static string? ClockOffsetProblem(double seconds) =>
        double.IsFinite(seconds) && Math.Abs(seconds) <= MaxClockOffsetSeconds ? null : "The clock offset must be a number of seconds within ±1000000000 (about 31 years).";
}
