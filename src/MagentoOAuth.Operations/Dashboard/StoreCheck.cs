using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.AspNetCore.Network;
using MagentoOAuth.Diagnostics.Doctor;
using MagentoOAuth.Signing;
using MagentoOAuth.Storage;

namespace MagentoOAuth.Operations.Dashboard;

/// <summary>
/// "Check now": <c>magento-oauth doctor</c>'s checks against a stored store with its stored credentials, as the CLI runs
/// them, through the same connect-time address check as every other call to stores. Bounded: each check, the whole
/// run, and how many run at once (a click spree cannot fan out to the fleet).
/// </summary>
internal sealed class StoreCheck(StoreConnectGuard guard, ConnectionLifecycle lifecycle, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan PerCheck = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Whole = TimeSpan.FromSeconds(45);
    private readonly SemaphoreSlim _running = new(2, 2);

    /// <summary>The outcome: a report, or a sentence saying why there is none (or why it is partial).</summary>
    public sealed record Result(DateTimeOffset At, DoctorReport? Report, string? Message);

    public async Task<Result> RunAsync(StoreConnection connection, CancellationToken cancellationToken)
    {
        if (!await _running.WaitAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false))
        {
            return new Result(time.GetUtcNow(), null, "Two checks are running already; try again in a moment.");
        }

        try
        {
            var handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectTimeout = TimeSpan.FromSeconds(5),
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            };
            using (handler)
            {
                guard.Apply(handler);
                OAuthCredentials credentials = connection.AccessCredentials ?? new OAuthCredentials(connection.ConsumerKey, connection.ConsumerSecret);
                var request = new DoctorRequest(new Uri(connection.StoreBaseUrl)) { Credentials = credentials, Profile = connection.Profile, CheckTimeout = PerCheck };
                using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                bounded.CancelAfter(Whole);
                DoctorReport report;
                try
                {
                    report = await new StoreDoctor(handler, time).RunAsync(request, bounded.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return new Result(time.GetUtcNow(), null, $"The checks did not finish within {Whole.TotalSeconds:0} s: the store is very slow or does not answer. Run 'magento-oauth doctor {connection.Id}' on the server for the details.");
                }

                if (report.Signer is { } signer && signer != connection.Profile)
                {
                    await lifecycle.SetProfileAsync(connection.Id, signer, cancellationToken).ConfigureAwait(false);
                }

                return new Result(time.GetUtcNow(), report, null);
            }
        }
        finally
        {
            _running.Release();
        }
    }

    public void Dispose() => _running.Dispose();
}
