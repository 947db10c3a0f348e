using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace MagentoOAuth.Diagnostics.Doctor;

/// <summary><c>reachable</c> (DNS, TCP, TLS, an HTTP answer) and <c>redirect</c> (the REST URL answers itself, or where it leads).</summary>
internal static class ConnectivityChecks
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public static async Task<DoctorCheck> ReachableAsync(DoctorSession session, CancellationToken cancellationToken)
    {
        Uri url = session.Base;
        string host = url.HostNameType == UriHostNameType.IPv6 ? url.Host.Trim('[', ']') : url.IdnHost;
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out IPAddress? literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                return Fail($"DNS: no address for {host}", $"The name {host} does not resolve ({e.SocketErrorCode}).",
                    "Check the base URL's spelling; a new store's DNS record may not exist yet, or this machine's resolver cannot see it (an internal name).");
            }
        }

        if (addresses.Length == 0)
        {
            return Fail($"DNS: no address for {host}", $"The name {host} resolves to no address.", "Check the store's DNS records (A/AAAA).");
        }

        string endpoint = $"{host}:{url.Port}";
        var clock = Stopwatch.StartNew();
        (DoctorCheck? failed, string connected, string tls) = await ConnectAsync(url, host, endpoint, addresses, cancellationToken).ConfigureAwait(false);
        if (failed is not null)
        {
            return failed;
        }

        long connectMs = clock.ElapsedMilliseconds;
        clock.Restart();
        Probe answer = await session.GetAsync(string.Empty, cancellationToken).ConfigureAwait(false);
        return new DoctorCheck("reachable", DoctorStatus.Pass,
            string.Create(CultureInfo.InvariantCulture, $"{endpoint} ({connected}) connected in {connectMs} ms{tls}; HTTP {(int)answer.Status} in {clock.ElapsedMilliseconds} ms"));
    }

    /// <summary>TCP, then TLS for https, on a probe connection that is closed again: the HTTP request opens its own.</summary>
    private static async Task<(DoctorCheck? Failure, string Connected, string Tls)> ConnectAsync(Uri url, string host, string endpoint, IPAddress[] addresses, CancellationToken cancellationToken)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using (var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connect.CancelAfter(ConnectTimeout);
            try
            {
                await socket.ConnectAsync(addresses, url.Port, connect.Token).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                return (e.SocketErrorCode == SocketError.ConnectionRefused
                    ? Fail($"nothing listens at {endpoint}", $"{string.Join(", ", addresses.Select(a => a.ToString()))} refused the connection: no web server runs there, or it listens on another port.",
                        "Check the base URL's scheme and port, and that the web server (nginx, Apache) is running.")
                    : Fail($"cannot connect to {endpoint}", $"The connection failed ({e.SocketErrorCode}).", "Check the network path to the store (firewall, VPN, security group)."), "", "");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (Fail($"no answer from {endpoint} within {ConnectTimeout.TotalSeconds:0} s", "The connection attempt timed out: a firewall drops it, or the host is down.",
                    "Check that the store accepts connections from this machine (firewall, IP allow-list, security group)."), "", "");
            }
        }

        string connected = socket.RemoteEndPoint?.ToString() ?? endpoint;
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            return (null, connected, string.Empty);
        }

        (DoctorCheck? failure, string names) = await TlsAsync(socket, host, cancellationToken).ConfigureAwait(false);
        return (failure, connected, $", TLS certificate valid for {names}");
    }

    private static async Task<(DoctorCheck? Failure, string Names)> TlsAsync(Socket socket, string host, CancellationToken cancellationToken)
    {
        SslPolicyErrors errors = SslPolicyErrors.None;
        X509ChainStatusFlags chainStatus = X509ChainStatusFlags.NoError;
        X509Certificate2? certificate = null;
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        await using ConfiguredAsyncDisposable disposeSsl = ssl.ConfigureAwait(false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
#pragma warning disable CA5359 // The handshake only inspects the certificate, to say what is wrong with it; no data is sent on this connection.
                RemoteCertificateValidationCallback = (_, cert, chain, policyErrors) =>
                {
                    errors = policyErrors;
                    certificate = cert is null ? null : new X509Certificate2(cert);
                    foreach (X509ChainStatus status in chain?.ChainStatus ?? [])
                    {
                        chainStatus |= status.Status;
                    }

                    return true; // judged below, with a message that says why
                },
#pragma warning restore CA5359
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return (Fail($"TLS handshake with {host} failed", $"The TLS handshake failed: {e.Message}", "Check the web server's TLS setup (certificate installed for this name, TLS 1.2 or later enabled)."), string.Empty);
        }

        string names = certificate is null ? "(none)" : string.Join(", ", Names(certificate));
        if (errors == SslPolicyErrors.None)
        {
            return (null, names);
        }

        string fix = $"Install a certificate for {host} from a public CA (e.g. Let's Encrypt), with its intermediate certificates. Magento's own callback POST to your app is checked the same way (cURL verifypeer).";
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return (Fail($"the TLS certificate is not for {host}", $"The certificate is for {names}, not {host}.", fix), names);
        }

        string why = (chainStatus & X509ChainStatusFlags.NotTimeValid) != 0 ? "it has expired or is not valid yet"
            : (chainStatus & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0 ? "it is self-signed or its chain is incomplete (untrusted root or missing intermediate)"
            : $"its chain does not validate ({chainStatus})";
        return (Fail($"the TLS certificate of {host} is not trusted", $"The certificate (for {names}) is not trusted: {why}.", fix), names);
    }

    private static List<string> Names(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (X509Extension extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames());
            }
        }

        return names.Count > 0 ? names : [certificate.GetNameInfo(X509NameType.DnsName, forIssuer: false)];
    }

    public static async Task<DoctorCheck> RedirectAsync(DoctorSession session, CancellationToken cancellationToken)
    {
        Uri start = new(session.Base, DoctorSession.ProbePath);
        Probe probe = await session.SendAsync(HttpMethod.Get, start, null, cancellationToken).ConfigureAwait(false);
        session.Anonymous = probe;
        if (!probe.IsRedirect)
        {
            return new DoctorCheck("redirect", DoctorStatus.Pass, $"{start.GetLeftPart(UriPartial.Path)} answers itself (HTTP {(int)probe.Status}, no redirect)");
        }

        Uri current = start;
        var hops = new List<string>();
        bool leaves = false;
        for (int hop = 0; hop < 5 && probe.IsRedirect; hop++)
        {
            current = new Uri(current, probe.Location!);
            hops.Add($"{(int)probe.Status} → {current.AbsoluteUri}");
            if (current.Scheme is not ("http" or "https") || !SameSite(session.Request.StoreBaseUrl, current))
            {
                leaves = true; // not followed: doctor talks only to the site it was given
                break;
            }

            probe = await session.SendAsync(HttpMethod.Get, current, null, cancellationToken).ConfigureAwait(false);
        }

        string path = current.GetLeftPart(UriPartial.Path);
        Uri? final = path.EndsWith(DoctorSession.ProbePath, StringComparison.Ordinal) ? new Uri(path[..^DoctorSession.ProbePath.Length]) : null;
        string use = final is null ? "the base URL it ends at" : final.AbsoluteUri;
        if (final is not null && !leaves && !probe.IsRedirect)
        {
            session.Base = final;
            session.Anonymous = probe;
        }
        else
        {
            // Signed calls (and the Bearer check's token) go only to the store named: never on to another site.
            session.Halt = $"skipped: the store redirects to {(final ?? current).GetLeftPart(UriPartial.Authority)}; run doctor on that URL if it is the store";
        }

        return new DoctorCheck("redirect", DoctorStatus.Fail,
            $"{session.Request.StoreBaseUrl.AbsoluteUri} redirects: {string.Join(", ", hops)}{(final is null ? string.Empty : "; the rest was checked at " + final.AbsoluteUri)}",
            $"OAuth signs the URL, so a request signed for {session.Request.StoreBaseUrl.AbsoluteUri} and redirected is refused; most HTTP clients also drop the Authorization header and turn a POST into a GET on a redirect. " +
            (leaves ? $"The redirect leads to another site ({current.GetLeftPart(UriPartial.Authority)}), which doctor does not follow: signed calls and tokens go only to the site it was given." : $"Magento's REST API answers at {use}."),
            $"Use {use} as the store's base URL in your app. If the store posted the old URL as store_base_url, correct Magento's base URLs (Stores > Configuration > General > Web > Base URLs and Base URLs (Secure): web/unsecure/base_url, web/secure/base_url; " +
            "'Use Secure URLs on Storefront', web/secure/use_in_frontend, for https), then click Reauthorize on the integration so it posts the right one.");
    }

    /// <summary>The same host, the host with or without "www.", or both on loopback (http → https, a www redirect).</summary>
    private static bool SameSite(Uri from, Uri to)
    {
        static string Bare(string host) => host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? host[4..] : host;
        return string.Equals(Bare(from.IdnHost), Bare(to.IdnHost), StringComparison.OrdinalIgnoreCase) || (from.IsLoopback && to.IsLoopback);
    }

    private static DoctorCheck Fail(string summary, string cause, string fix) => new("reachable", DoctorStatus.Fail, summary, cause, fix);
}
