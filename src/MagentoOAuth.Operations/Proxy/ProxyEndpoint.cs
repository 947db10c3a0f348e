using System.Diagnostics;
using System.Globalization;
using MagentoOAuth.AspNetCore;
using MagentoOAuth.AspNetCore.Clients;
using MagentoOAuth.AspNetCore.Resilience;
using MagentoOAuth.Errors;
using MagentoOAuth.Operations.Admin;
using MagentoOAuth.Operations.Keys;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;
using Yarp.ReverseProxy.Forwarder;

namespace MagentoOAuth.Operations.Proxy;

/// <summary>
/// <c>/proxy/{STORE}/rest/…</c>: finds the store, checks the key may reach it and that it is active (else answers at
/// once, with no call to Magento), and forwards the request to <c>{storeBaseUrl}rest/…</c> through the store's signed
/// handler chain. Every refusal is a JSON <see cref="AdminError"/> that says what to do.
/// </summary>
internal sealed class ProxyEndpoint(
    IHttpForwarder forwarder,
    ProxyStores stores,
    ProxyInvokers invokers,
    StoreResilience resilience,
    ProxyMetrics metrics,
    IOptions<MagentoIntegrationOptions> options,
    ILogger<ProxyEndpoint> logger)
{
    private readonly ForwarderRequestConfig _config = new()
    {
        // Each attempt is bounded by the resilience pipeline; this bounds a stalled body copy in either direction.
        ActivityTimeout = options.Value.RequestTimeout * (options.Value.Resilience.MaxRetries + 1) + options.Value.Resilience.MaxRetryAfter,
    };

    public async Task HandleAsync(HttpContext context)
    {
        long started = Stopwatch.GetTimestamp();
        string raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } target && target[0] == '/'
            ? target
            : context.Request.PathBase.Add(context.Request.Path).ToUriComponent() + context.Request.QueryString.ToUriComponent();
        ProxyTarget parsed = ProxyTarget.TryParse(raw, out ProxyTarget t) ? t : new ProxyTarget(string.Empty, null, context.Request.Path.Value ?? "/");
        Guid? storeId = null;
        try
        {
            storeId = await ProxyAsync(context, parsed).ConfigureAwait(false);
        }
        finally
        {
            double elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            metrics.Record(context.Response.StatusCode, elapsed);
            if (storeId is { } id && logger.IsEnabled(LogLevel.Debug))
            {
                Log.ProxyForwarded(logger, context.Request.Method, parsed.Path, id, context.Response.StatusCode, elapsed * 1000);
            }
        }
    }

    /// <summary>Answers the request; returns the store's id when it was forwarded.</summary>
    private async Task<Guid?> ProxyAsync(HttpContext context, ProxyTarget target)
    {
        if (target.Store.Length == 0 || target.RestTail is null)
        {
            await RefuseAsync(context, target, StatusCodes.Status404NotFound, new AdminError("not_proxied",
                "Only the store's REST API is forwarded: call /proxy/{STORE}/rest/…, e.g. /proxy/{STORE}/rest/V1/store/storeConfigs.")).ConfigureAwait(false);
            return null;
        }

        StoreConnection? store = await stores.FindAsync(target.Store, context.RequestAborted).ConfigureAwait(false);
        if (store is null)
        {
            await RefuseAsync(context, target, StatusCodes.Status404NotFound, new AdminError("unknown_store",
                "No stored store has this id, consumer key or store base URL: 'magento-oauth stores list' shows them (a URL goes escaped in the path).")).ConfigureAwait(false);
            return null;
        }

        if (!ApiKeyClaims.MayReach(context.User, store.StoreBaseUrl))
        {
            await RefuseAsync(context, target, StatusCodes.Status403Forbidden, new AdminError("store_forbidden",
                "This API key may not reach this store: it was created for other stores ('magento-oauth keys list' shows them; create a key with --store for this one).")
            { Store = store.Id.ToString() }).ConfigureAwait(false);
            return null;
        }

        if (store is not { Status: StoreStatus.Active, Unreadable: false })
        {
            await RefuseNotActiveAsync(context, target, store, ConnectionCredentialsCache.NotActive(store)).ConfigureAwait(false);
            return null;
        }

        if (resilience.OpenFor(store.Id) is { } wait)
        {
            await RefuseUnavailableAsync(context, target, store, wait).ConfigureAwait(false);
            return null;
        }

        var destination = new Uri(store.StoreBaseUrl + "rest/" + target.RestTail, UriKind.Absolute);
        if (!destination.AbsolutePath.StartsWith(new Uri(store.StoreBaseUrl).AbsolutePath + "rest/", StringComparison.Ordinal))
        {
            await RefuseAsync(context, target, StatusCodes.Status404NotFound, new AdminError("not_proxied",
                "The path leaves the store's REST API once resolved: only /proxy/{STORE}/rest/… is forwarded.")).ConfigureAwait(false);
            return null;
        }

        ForwarderError error = await forwarder.SendAsync(context, store.StoreBaseUrl, invokers.For(store.Id), _config, new ProxyTransformer(destination)).ConfigureAwait(false);
        if (error != ForwarderError.None)
        {
            await ForwardFailedAsync(context, target, store, error).ConfigureAwait(false);
        }

        return store.Id;
    }

    private async Task ForwardFailedAsync(HttpContext context, ProxyTarget target, StoreConnection store, ForwarderError error)
    {
        Exception? exception = context.GetForwarderErrorFeature()?.Exception;
        if (context.Response.HasStarted)
        {
            // The store's answer was being streamed when it broke: the caller sees a cut answer, as from the store itself.
            Log.ProxyFailed(logger, context.Request.Method, target.Path, store.Id, context.Response.StatusCode, error.ToString(), Describe(exception));
            return;
        }

        context.Response.Clear();
        switch (Find(exception))
        {
            case BrokenCircuitException:
                await RefuseUnavailableAsync(context, target, store, resilience.OpenFor(store.Id) ?? options.Value.Resilience.CircuitBreakDuration).ConfigureAwait(false);
                return;
            case RateLimiterRejectedException:
                context.Response.Headers.RetryAfter = "1";
                await WriteFailureAsync(context, target, store, StatusCodes.Status503ServiceUnavailable, new AdminError("store_busy",
                    $"Too many calls to this store are waiting (more than {options.Value.Resilience.MaxConcurrentCalls} at once and {options.Value.Resilience.MaxQueuedCalls} queued): send it again shortly."), exception).ConfigureAwait(false);
                return;
            case MagentoOAuthException { Problem: MagentoProblem.ConnectionNotActive } notActive:
                await RefuseNotActiveAsync(context, target, store, notActive).ConfigureAwait(false);
                return;
            case TimeoutRejectedException:
                await WriteFailureAsync(context, target, store, StatusCodes.Status504GatewayTimeout, new AdminError("store_timeout",
                    $"The store did not answer within {options.Value.RequestTimeout.TotalSeconds:0.#} s (each try)."), exception).ConfigureAwait(false);
                return;
            default:
                int status = error is ForwarderError.RequestTimedOut ? StatusCodes.Status504GatewayTimeout
                    : error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled ? StatusCodes.Status499ClientClosedRequest
                    : StatusCodes.Status502BadGateway;
                await WriteFailureAsync(context, target, store, status, new AdminError("store_unreachable",
                    $"The call to the store failed before it answered ({error}): {Describe(exception)}"), exception).ConfigureAwait(false);
                return;
        }
    }

    private Task RefuseNotActiveAsync(HttpContext context, ProxyTarget target, StoreConnection store, MagentoOAuthException why) =>
        RefuseAsync(context, target, StatusCodes.Status409Conflict, new AdminError("store_not_active", why.Cause + " " + why.Fix)
        {
            Status = store.Unreadable ? "unreadable" : store.Status.ToString().ToLowerInvariant(),
            Store = store.Id.ToString(),
        });

    private Task RefuseUnavailableAsync(HttpContext context, ProxyTarget target, StoreConnection store, TimeSpan wait)
    {
        int seconds = (int)Math.Ceiling(wait.TotalSeconds);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return RefuseAsync(context, target, StatusCodes.Status503ServiceUnavailable, new AdminError("store_unavailable",
            $"The store failed repeatedly (5xx answers or timeouts), so calls to it fail at once for now: try again in {seconds} s. 'magento-oauth doctor {store.StoreBaseUrl}' checks it.")
        { Store = store.Id.ToString() });
    }

    private Task WriteFailureAsync(HttpContext context, ProxyTarget target, StoreConnection store, int status, AdminError error, Exception? exception)
    {
        Log.ProxyFailed(logger, context.Request.Method, target.Path, store.Id, status, error.Error, Describe(exception));
        return WriteAsync(context, status, error with { Store = store.Id.ToString() });
    }

    private Task RefuseAsync(HttpContext context, ProxyTarget target, int status, AdminError error)
    {
        Log.ProxyRefused(logger, context.Request.Method, target.Path, status, error.Error);
        return WriteAsync(context, status, error);
    }

    private static Task WriteAsync(HttpContext context, int status, AdminError error)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(error, AdminJsonContext.Default.AdminError, cancellationToken: context.RequestAborted);
    }

    private static Exception? Find(Exception? exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is BrokenCircuitException or RateLimiterRejectedException or MagentoOAuthException or TimeoutRejectedException)
            {
                return e;
            }
        }

        return exception;
    }

    /// <summary>The failure in words: exception types and messages of the transport (no URL or query is in them).</summary>
    private static string Describe(Exception? exception) => exception switch
    {
        null => "no answer",
        MagentoOAuthException m => m.Cause,
        HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } h => h.HttpRequestError.ToString(),
        _ => exception.GetBaseException().GetType().Name,
    };
}
