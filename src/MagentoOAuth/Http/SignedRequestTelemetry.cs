using System.Diagnostics;
using System.Diagnostics.Metrics;
using MagentoOAuth.Diagnostics;

namespace MagentoOAuth.Http;

/// <summary>
/// The signed requests' instruments and spans (meter and source <see cref="MagentoOAuthTelemetry.Name"/>). The store is
/// told by its URL's host (and port when not the default): bounded by the fleet, stable across Reauthorize and new
/// integrations of one store, what an operator recognises, and never secret. No path, query or header goes into a tag.
/// </summary>
internal static class SignedRequestTelemetry
{
    public const string RequestsName = "magento_oauth.signed_requests";
    public const string DurationName = "magento_oauth.signed_request.duration";
    public const string ActivityName = "magento_oauth.signed_request";

    private static readonly Meter Meter = new(MagentoOAuthTelemetry.Name);
    private static readonly ActivitySource Source = new(MagentoOAuthTelemetry.Name);

    private static readonly Counter<long> Requests = Meter.CreateCounter<long>(RequestsName, "{request}",
        "Signed requests to Magento stores, by store host, method and status class (2xx, 3xx, 4xx, 5xx, or error when no answer came).");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(DurationName, "s",
        "How long signed requests to Magento stores took until the answer's headers, by store host and status class.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    /// <summary>False when nobody listens: the signing handler then keeps its allocation-free path.</summary>
    public static bool Enabled => Requests.Enabled || Duration.Enabled || Source.HasListeners();

    public static Activity? Start(HttpRequestMessage request)
    {
        Activity? activity = Source.StartActivity(ActivityName, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true } && request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            activity.SetTag("http.request.method", request.Method.Method);
            activity.SetTag("server.address", uri.IdnHost);
            activity.SetTag("server.port", uri.Port);
        }

        return activity;
    }

    public static void Stop(HttpRequestMessage request, long startedTimestamp, int? status, Exception? exception, Activity? activity)
    {
        string statusClass = status switch
        {
            >= 200 and < 300 => "2xx",
            >= 300 and < 400 => "3xx",
            >= 400 and < 500 => "4xx",
            >= 500 and < 600 => "5xx",
            _ => "error",
        };
        string store = Store(request.RequestUri);
        var tags = new TagList { { "store", store }, { "method", Method(request.Method) }, { "status_class", statusClass } };
        Requests.Add(1, tags);
        Duration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new TagList { { "store", store }, { "status_class", statusClass } });
        if (activity is null)
        {
            return;
        }

        activity.SetTag("magento_oauth.status_class", statusClass);
        if (status is { } code)
        {
            activity.SetTag("http.response.status_code", code);
        }

        if (exception is not null || status >= 500)
        {
            // The exception's type only: its message could quote a URL.
            activity.SetTag("error.type", exception?.GetType().FullName ?? status!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }

    /// <summary>Host, and port when it is not the scheme's default; lower case, without user info.</summary>
    internal static string Store(Uri? uri) =>
        uri is not { IsAbsoluteUri: true } ? "unknown" : uri.IsDefaultPort ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port}";

    // Bounded: a method outside the standard set (any text is a valid method) is reported as "other".
    private static string Method(HttpMethod method) =>
        method.Method is "GET" or "POST" or "PUT" or "DELETE" or "PATCH" or "HEAD" or "OPTIONS" ? method.Method : "other";
}
