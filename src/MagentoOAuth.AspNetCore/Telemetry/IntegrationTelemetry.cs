using System.Diagnostics;
using System.Diagnostics.Metrics;
using MagentoOAuth.Diagnostics;
using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Telemetry;

/// <summary>
/// The integration's instruments (meter and source <see cref="MagentoOAuthTelemetry.Name"/>): activations by outcome,
/// fed from the lifecycle's one commit point, and the exchange steps' durations and spans. Tags are fixed words, or the
/// connection id and store host in spans; never a key, token, verifier or query.
/// </summary>
internal static class IntegrationTelemetry
{
    public const string ActivationsName = "magento_oauth.activations";
    public const string StepDurationName = "magento_oauth.exchange.step.duration";
    public const string StepActivityName = "magento_oauth.exchange.step";

    private static readonly Meter Meter = new(MagentoOAuthTelemetry.Name);
    private static readonly ActivitySource Source = new(MagentoOAuthTelemetry.Name);

    private static readonly Counter<long> Activations = Meter.CreateCounter<long>(ActivationsName, "{activation}",
        "Connection outcomes: activated, failed, superseded, revoked, reauthorized.");

    private static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>(StepDurationName, "s",
        "How long each exchange step took against Magento: request_token, access_token, verification; outcome ok or error.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    /// <summary>Called once per committed transition, by <c>ConnectionLifecycle</c>.</summary>
    public static void Transition(ConnectionTransition transition)
    {
        string? outcome = transition switch
        {
            ConnectionTransition.Activated => "activated",
            ConnectionTransition.Failed => "failed",
            ConnectionTransition.Superseded => "superseded",
            ConnectionTransition.Revoked => "revoked",
            ConnectionTransition.Reauthorized => "reauthorized",
            _ => null,
        };
        if (outcome is not null)
        {
            Activations.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public static string StepName(ExchangeStep step) => step switch
    {
        ExchangeStep.Received => "request_token",
        ExchangeStep.RequestToken => "access_token",
        _ => "verification",
    };

    /// <summary>Times one step and wraps it in a span.</summary>
    public static async Task<T> StepAsync<T>(StoreConnection connection, Func<Task<T>> run)
    {
        string step = StepName(connection.Step);
        using Activity? activity = Source.StartActivity(StepActivityName, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("magento_oauth.step", step);
            activity.SetTag("magento_oauth.connection.id", connection.Id.ToString());
            activity.SetTag("server.address", Uri.TryCreate(connection.StoreBaseUrl, UriKind.Absolute, out Uri? url) ? url.IdnHost : null);
        }

        long started = Stopwatch.GetTimestamp();
        string outcome = "error";
        try
        {
            T result = await run().ConfigureAwait(false);
            outcome = "ok";
            return result;
        }
        catch (Exception e)
        {
            // The type only: a message may quote what the store said.
            activity?.SetTag("error.type", e.GetType().FullName);
            activity?.SetStatus(ActivityStatusCode.Error);
            throw;
        }
        finally
        {
            StepDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new TagList { { "step", step }, { "outcome", outcome } });
        }
    }
}
