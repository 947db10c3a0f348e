using System.Net;
using MagentoOAuth.Signing;

namespace MagentoOAuth.Diagnostics.Doctor;

/// <summary>
/// <c>signer</c>: which of Magento's signer generations the store runs, from signed probes whose base strings differ
/// between generations. Any answer but "The signature is invalid" (or a refused signature method) means the probe's
/// signature was accepted: the ACL and the route come after the signature (W/Model/Authorization/OauthUserContext.php).
/// </summary>
internal static class SignerCheck
{
    // Indices 2 and 10: G1–G3 sort naturally (2 before 10), G4 and RFC 5849 by bytes (10 before 2).
    private const string SortProbe = DoctorSession.ProbePath + "?doctor%5B2%5D=1&doctor%5B10%5D=1";

    // An escaped ',' in the path: G1–G2 decode it before signing (laminas-uri normalizePath), G3–G4 sign it as sent.
    private const string PathProbe = "rest/V1/products/doctor%2Cprobe";

    public static async Task<DoctorCheck> SignerAsync(DoctorSession session, CancellationToken cancellationToken)
    {
        HashSet<SignatureProfile>? sort = await ClassifyAsync(session, SortProbe,
            (SignatureProfile.MagentoG4, [SignatureProfile.MagentoG4]),
            (SignatureProfile.MagentoG1, [SignatureProfile.MagentoG1, SignatureProfile.MagentoG2, SignatureProfile.MagentoG3]), cancellationToken).ConfigureAwait(false);
        HashSet<SignatureProfile>? path = await ClassifyAsync(session, PathProbe,
            (SignatureProfile.MagentoG3, [SignatureProfile.MagentoG3, SignatureProfile.MagentoG4]),
            (SignatureProfile.MagentoG1, [SignatureProfile.MagentoG1, SignatureProfile.MagentoG2]), cancellationToken).ConfigureAwait(false);
        if (sort is null || path is null)
        {
            return new DoctorCheck("signer", DoctorStatus.Warn, "could not tell the signer generation: the store refused every form of a probe",
                "The store signs in a way none of G1–G4 does (a modified Magento, or a proxy that rewrites URLs).",
                "Keep requests portable (magento-oauth sign warns when one is not); report the store's version to us.");
        }

        sort.IntersectWith(path);
        if (sort.SetEquals([SignatureProfile.MagentoG1, SignatureProfile.MagentoG2]))
        {
            // G1 differs from G2 only in still accepting HMAC-SHA1.
            Probe sha1 = await session.SignedGetAsync(DoctorSession.ProbePath, cancellationToken, profile: SignatureProfile.MagentoG1, method: OAuthSignatureMethod.HmacSha1).ConfigureAwait(false);
            sort = [Accepted(sha1) ? SignatureProfile.MagentoG1 : SignatureProfile.MagentoG2];
        }

        if (sort.Count != 1)
        {
            return new DoctorCheck("signer", DoctorStatus.Warn, "the probes disagree about the signer generation",
                "One probe matched one generation and another probe another: something between the client and Magento changes the URL.",
                "Check proxies in front of the store for URL rewriting; keep requests portable.");
        }

        SignatureProfile found = sort.Single();
        session.Signer = found;
        session.Profile = found;
        return new DoctorCheck("signer", DoctorStatus.Pass, $"g{(int)found}: {Describe(found)}");
    }

    private static async Task<HashSet<SignatureProfile>?> ClassifyAsync(DoctorSession session, string relative,
        (SignatureProfile Sign, SignatureProfile[] Means) first, (SignatureProfile Sign, SignatureProfile[] Means) second, CancellationToken cancellationToken)
    {
        foreach ((SignatureProfile sign, SignatureProfile[] means) in (IEnumerable<(SignatureProfile, SignatureProfile[])>)[first, second])
        {
            Probe probe = await session.SignedGetAsync(relative, cancellationToken, profile: sign).ConfigureAwait(false);
            if (Accepted(probe))
            {
                return [.. means];
            }
        }

        return null;
    }

    private static bool Accepted(Probe probe) =>
        probe.MagentoMessage is { } message
            ? !(probe.Status == HttpStatusCode.Unauthorized && message.StartsWith("The signature is invalid", StringComparison.Ordinal))
              && !(probe.Status == HttpStatusCode.BadRequest && message.StartsWith("Signature method", StringComparison.Ordinal))
            : probe.Status == HttpStatusCode.OK;

    public static string Describe(SignatureProfile profile) => profile switch
    {
        SignatureProfile.MagentoG1 => "Magento 2.4.0–2.4.3 (laminas-oauth, HMAC-SHA1 still accepted)",
        SignatureProfile.MagentoG2 => "Magento 2.4.4 to about 2.4.7 (laminas-oauth, HMAC-SHA256 only)",
        SignatureProfile.MagentoG3 => "Magento about 2.4.7-pN / 2.4.8-beta (own URL normaliser)",
        SignatureProfile.MagentoG4 => "Magento about 2.4.8 and later (native signer)",
        _ => "RFC 5849",
    };
}
