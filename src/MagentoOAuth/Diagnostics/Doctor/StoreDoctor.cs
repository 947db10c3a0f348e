using System.Net.Sockets;

namespace MagentoOAuth.Diagnostics.Doctor;

/// <summary>
/// Tells why a real store refuses: a fixed list of checks (<see cref="CheckIds"/>), each bounded in time, each saying
/// pass, warn, fail or skip, and for warn and fail the cause and the fix. Checks that need credentials are skipped
/// without them; a check whose ground an earlier one took away (nothing reachable, not Magento) is skipped and says why.
/// Never follows redirects and never writes to the store: every call is a GET.
/// </summary>
public sealed class StoreDoctor
{
    private readonly HttpMessageHandler? _handler;
    private readonly TimeProvider _time;

    private static readonly Check[] Checks =
    [
        new("reachable", [], Needs.Nothing, ConnectivityChecks.ReachableAsync),
        new("redirect", ["reachable"], Needs.Nothing, ConnectivityChecks.RedirectAsync),
        new("magento", ["reachable"], Needs.Nothing, MagentoChecks.MagentoAsync),
        new("clock", ["reachable"], Needs.Nothing, MagentoChecks.ClockAsync),
        new("authorization-header", ["magento"], Needs.Nothing, OAuthChecks.AuthorizationHeaderAsync),
        new("credentials", ["authorization-header"], Needs.Tokens, OAuthChecks.CredentialsAsync),
        new("signer", ["credentials"], Needs.Tokens, SignerCheck.SignerAsync),
        new("bearer", ["credentials"], Needs.Tokens, OAuthChecks.BearerAsync),
        new("acl", ["credentials"], Needs.Tokens, AccessChecks.AclAsync),
        new("store-codes", ["credentials"], Needs.Tokens, AccessChecks.StoreCodesAsync),
    ];

    /// <summary>Creates a doctor with its own HTTP connections (no redirects followed, no cookies).</summary>
    /// <param name="handler">The HTTP handler to use instead (a proxy, a test double); not disposed.</param>
    /// <param name="timeProvider">The clock compared with the store's (the system clock by default).</param>
    public StoreDoctor(HttpMessageHandler? handler = null, TimeProvider? timeProvider = null)
    {
        _handler = handler;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The check ids, in the order they run.</summary>
    public static IReadOnlyList<string> CheckIds { get; } = [.. Checks.Select(c => c.Id)];

    /// <summary>Runs every check against the store.</summary>
    /// <param name="request">The store and what is known about it.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public async Task<DoctorReport> RunAsync(DoctorRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        HttpMessageHandler handler = _handler ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        };
        using var http = new HttpClient(handler, disposeHandler: _handler is null) { Timeout = Timeout.InfiniteTimeSpan };
        var session = new DoctorSession(http, request, _time);
        var results = new Dictionary<string, DoctorCheck>(StringComparer.Ordinal);
        var ordered = new List<DoctorCheck>();
        foreach (Check check in Checks)
        {
            DoctorCheck result = SkipReason(check, session, results) is { } reason
                ? new DoctorCheck(check.Id, DoctorStatus.Skip, reason)
                : await RunOneAsync(check, session, request.CheckTimeout, cancellationToken).ConfigureAwait(false);
            results[check.Id] = result;
            ordered.Add(result);
        }

        return new DoctorReport
        {
            Target = request.StoreBaseUrl,
            Checks = ordered,
            WorkingBaseUrl = session.Base == request.StoreBaseUrl ? null : session.Base,
            Signer = session.Signer,
        };
    }

    private static string? SkipReason(Check check, DoctorSession session, Dictionary<string, DoctorCheck> results)
    {
        if (session.Halt is { } halted)
        {
            return halted;
        }

        foreach (string before in check.After)
        {
            DoctorCheck earlier = results[before];
            bool usable = earlier.Status == DoctorStatus.Pass || (earlier.Status == DoctorStatus.Warn && before != "reachable")
                // Rewrites off is a failure, but the checks go on at the index.php/ URL that works.
                || (before == "magento" && earlier.Status == DoctorStatus.Fail && session.Base.AbsoluteUri.EndsWith("index.php/", StringComparison.Ordinal));
            if (!usable)
            {
                return earlier.Status == DoctorStatus.Skip ? earlier.Summary : $"skipped: the {before} check {(earlier.Status == DoctorStatus.Fail ? "failed" : "did not pass")}";
            }
        }

        return check.Needs == Needs.Tokens && !session.HasTokens
            ? "skipped: needs credentials with an access token (--consumer-key, --consumer-secret, --access-token, --access-token-secret, or a stored store whose exchange finished)"
            : null;
    }

    private static async Task<DoctorCheck> RunOneAsync(Check check, DoctorSession session, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            return await check.RunAsync(session, bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DoctorCheck(check.Id, DoctorStatus.Fail, $"no answer within {timeout.TotalSeconds:0} s",
                "The store did not answer in time: it is overloaded, or something in between holds the connection.",
                "Try again; if it persists, check the store's load and what sits in front of it.");
        }
        catch (Exception e) when (e is not (HttpRequestException or OperationCanceledException))
        {
            // A store can answer anything; one odd answer ends its own check with a plain message, never the run.
            return new DoctorCheck(check.Id, DoctorStatus.Fail, $"the check could not read the store's answer ({e.GetType().Name})",
                "The store answered in a way this check does not understand: " + e.Message,
                "Run doctor again; if it persists, report it to us with the store's version and this message.");
        }
        catch (HttpRequestException e)
        {
            string why = e.InnerException is SocketException socket ? socket.SocketErrorCode.ToString() : e.HttpRequestError.ToString();
            return new DoctorCheck(check.Id, DoctorStatus.Fail, $"the connection failed ({why})",
                "The store closed the connection or could not be reached: " + e.Message,
                "Check that the store is up and reachable from this machine, then run doctor again.");
        }
    }

    private enum Needs
    {
        Nothing,
        Tokens,
    }

    private sealed record Check(string Id, string[] After, Needs Needs, Func<DoctorSession, CancellationToken, Task<DoctorCheck>> RunAsync);
}
