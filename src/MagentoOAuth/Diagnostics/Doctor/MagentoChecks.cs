using System.Globalization;
using System.Net;

namespace MagentoOAuth.Diagnostics.Doctor;

/// <summary><c>magento</c> (the target is Magento, and where its REST API answers) and <c>clock</c> (the store's Date header against ours).</summary>
internal static class MagentoChecks
{
    /// <summary>Magento refuses an oauth_timestamp more than this far ahead of its clock (I/Model/Oauth/Nonce/Generator.php, TIME_DEVIATION).</summary>
    private const int MaxAheadSeconds = 600;

    public static async Task<DoctorCheck> MagentoAsync(DoctorSession session, CancellationToken cancellationToken)
    {
        Probe probe = session.Anonymous ?? await session.GetAsync(DoctorSession.ProbePath, cancellationToken).ConfigureAwait(false);
        if (probe.MagentoMessage is null && probe.BasicRealm is not null)
        {
            session.BasicRealm = probe.BasicRealm;
            return new DoctorCheck("magento", DoctorStatus.Warn, $"HTTP basic auth (realm \"{probe.BasicRealm}\") answers before Magento",
                "The web server asks for a password before any request reaches the store (a staging site?), so whether Magento is behind it cannot be seen.",
                "See the authorization-header check: the same password blocks every OAuth call.");
        }

        if (probe.MagentoMessage is not null)
        {
            return new DoctorCheck("magento", DoctorStatus.Pass, $"Magento REST at {session.Base.AbsoluteUri}rest/ (URL rewrites on); {await VersionAsync(session, cancellationToken).ConfigureAwait(false)}");
        }

        Probe withIndex = await session.GetAsync("index.php/" + DoctorSession.ProbePath, cancellationToken).ConfigureAwait(false);
        if (withIndex.MagentoMessage is not null)
        {
            Uri plain = session.Base;
            session.Base = new Uri(plain, "index.php/");
            return new DoctorCheck("magento", DoctorStatus.Fail,
                $"Magento REST answers only at {session.Base.AbsoluteUri}rest/, not {plain.AbsoluteUri}rest/ ({probe.Describe()}): URL rewrites are off; {await VersionAsync(session, cancellationToken).ConfigureAwait(false)}",
                "The web server does not rewrite Magento's URLs: Apache ignores pub/.htaccess (AllowOverride None, or mod_rewrite off), or nginx runs without Magento's nginx.conf.sample. Only URLs with index.php/ reach Magento.",
                $"Either use {session.Base.AbsoluteUri} as the store's base URL everywhere (what Magento posts when Stores > Configuration > General > Web > Search Engine Optimization > Use Web Server Rewrites, web/seo/use_rewrites, is No), " +
                "or turn rewrites on in the web server (Apache: AllowOverride All and a2enmod rewrite; nginx: include Magento's nginx.conf.sample).");
        }

        return new DoctorCheck("magento", DoctorStatus.Fail, $"not Magento: {session.Base.AbsoluteUri}{DoctorSession.ProbePath} answered {probe.Describe()}",
            "A Magento 2 store answers there with its JSON error, {\"message\":\"The consumer isn't authorized to access %resources.\",…}. This answer is something else: the URL is not the store's base URL (Magento in a subfolder? a store code in the URL?), or a firewall, WAF or CDN blocks /rest/.",
            "Use the base URL Magento shows under Stores > Configuration > General > Web > Base URLs (it is what Magento posts as store_base_url), and make sure /rest/ and /oauth/ are not blocked in front of Magento.");
    }

    /// <summary>Magento_Version's <c>GET /magento_version</c>: "Magento/2.4 (Community)", unless the module is disabled.</summary>
    private static async Task<string> VersionAsync(DoctorSession session, CancellationToken cancellationToken)
    {
        Probe version = await session.GetAsync("magento_version", cancellationToken).ConfigureAwait(false);
        string text = version.Body.Trim();
        return version.Status == HttpStatusCode.OK && text.StartsWith("Magento/", StringComparison.Ordinal) && text.Length < 100
            ? text
            : "its version is not exposed (GET /magento_version; Magento_Version disabled)";
    }

    public static Task<DoctorCheck> ClockAsync(DoctorSession session, CancellationToken cancellationToken)
    {
        if (session.ClockSkew is not { } skew)
        {
            return Task.FromResult(new DoctorCheck("clock", DoctorStatus.Skip, "the store sent no Date header to compare clocks with"));
        }

        // Whole seconds on the wire: a second either way is noise.
        double ahead = Math.Round(-skew.TotalSeconds);
        string Seconds(double s) => Math.Abs(s).ToString("0", CultureInfo.InvariantCulture);
        const string Fix = "Synchronise both machines' clocks with NTP (timedatectl set-ntp true; on the store's server, ask its host). Time zones do not matter: OAuth timestamps are UTC.";
        if (ahead > MaxAheadSeconds - 30)
        {
            return Task.FromResult(new DoctorCheck("clock", DoctorStatus.Fail, $"this machine's clock is {Seconds(ahead)} s ahead of the store's",
                $"Magento refuses an oauth_timestamp more than {MaxAheadSeconds} s ahead of its own clock (I/Model/Oauth/Nonce/Generator.php) and answers 401 \"An error occurred validating the nonce\" to every signed call.", Fix));
        }

        if (Math.Abs(ahead) > 60)
        {
            string who = ahead > 0 ? "this machine's clock is" : "the store's clock is";
            return Task.FromResult(new DoctorCheck("clock", DoctorStatus.Warn, $"{who} {Seconds(ahead)} s ahead",
                ahead > 0 ? $"Calls still pass, but at {MaxAheadSeconds} s ahead Magento refuses every timestamp (\"An error occurred validating the nonce\")."
                          : "Harmless for OAuth (Magento sets no lower bound on timestamps), but a clock this far off breaks other things (TLS, order dates).",
                Fix));
        }

        return Task.FromResult(new DoctorCheck("clock", DoctorStatus.Pass, $"the store's clock is within {Math.Max(1, Math.Abs(ahead)).ToString("0", CultureInfo.InvariantCulture)} s of this machine's"));
    }
}
