using MagentoOAuth.Sandbox.Catalog;
using MagentoOAuth.Sandbox.Endpoints;
using MagentoOAuth.Sandbox.Integrations;
using MagentoOAuth.Sandbox.Oauth;
using MagentoOAuth.Sandbox.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Sandbox;

/// <summary>Builds the sandbox web application: Magento's token endpoints, REST, the admin and the scriptable API.</summary>
public static class SandboxServer
{
    /// <summary>Creates the application, listening on <paramref name="urls"/> once started.</summary>
    /// <param name="options">The sandbox's behaviour.</param>
    /// <param name="urls">Where to listen, e.g. <c>http://127.0.0.1:0</c> for a free loopback port.</param>
    /// <param name="timeProvider">The clock for consumer expiry and timestamps.</param>
    /// <param name="configureLogging">Adjusts logging (the default logs warnings to the console).</param>
    public static WebApplication Build(SandboxOptions options, IEnumerable<string> urls, TimeProvider? timeProvider = null, Action<ILoggingBuilder>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(urls);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls([.. urls]);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = RawRequest.MaxBodyBytes);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        configureLogging?.Invoke(builder.Logging);

        IServiceCollection services = builder.Services;
        TimeProvider time = timeProvider ?? TimeProvider.System;
        services.AddSingleton(options);
        services.AddSingleton(time);
        services.AddSingleton(new SandboxStore(options.DataDirectory));
        services.AddSingleton<SandboxAddress>();
        services.AddSingleton<OauthProvider>();
        services.AddSingleton<CallLog>();
        services.AddSingleton<CatalogStore>();
        services.AddSingleton<IntegrationService>();
        services.AddAntiforgery(o =>
        {
            o.HeaderName = AdminEndpoints.AntiforgeryHeader; // the admin's script sends it with its fetch
            o.Cookie.Name = "sandbox-antiforgery";
        });
        services.AddSingleton(new Faults.FaultInjector(options.Faults, options.FaultSeed));
        services.AddHttpClient(IntegrationService.CallbackClient)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });

        WebApplication app = builder.Build();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            string first = app.Urls.First();
            var uri = new Uri(first.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
            string host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
            app.Services.GetRequiredService<SandboxAddress>().BaseUrl = $"{uri.Scheme}://{host}:{uri.Port}/";
        });

        // Outermost, so that every answer, refusals included, carries the store's clock in its Date header.
        app.Use((context, next) => StoreClock.InvokeAsync(context, options, time, () => next(context)));

        // First of all: a request from a web page of another site, or for a rebound DNS name, goes no further.
        app.Use((context, next) => BrowserGuard.InvokeAsync(context, options, () => next(context)));

        // With separate stores, /stores/{id}/… is that store's root: the prefix moves to PathBase before routing.
        app.Use((context, next) =>
        {
            if (options.SeparateStores && context.Request.Path.StartsWithSegments("/stores", out PathString rest) && rest.HasValue)
            {
                string[] parts = rest.Value!.Split('/', 3);
                // Never in front of the scriptable API: BrowserGuard has checked it only at its own path.
                if (parts.Length == 3 && !("/" + parts[2]).StartsWith("/sandbox/api", StringComparison.OrdinalIgnoreCase) && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
                {
                    context.Request.PathBase = context.Request.PathBase.Add("/stores/" + parts[1]);
                    context.Request.Path = "/" + parts[2];
                }
            }

            return next(context);
        });

        // The web server in front of Magento: redirects, basic auth, /index.php/ paths, a stripped Authorization header.
        app.Use((context, next) => WebServerFront.InvokeAsync(context, options, () => next(context)));
        app.Use(async (context, next) =>
        {
            if (!await context.RequestServices.GetRequiredService<Faults.FaultInjector>().ApplyAsync(context))
            {
                await next(context);
            }
        });
        app.UseRouting();

        app.MapGet("/", context => Respond.Html(context, 200,
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Magento sandbox</title></head><body>" +
            "<h1>Magento sandbox</h1><p>A local stand-in for a Magento 2.4 store's OAuth provider and REST API. " +
            "<a href=\"/admin\">Open the admin</a> to create and activate integrations.</p></body></html>"));
        TokenEndpoints.Map(app);
        RestEndpoints.Map(app);
        VersionEndpoint.Map(app);
        AdminEndpoints.Map(app);
        ApiEndpoints.Map(app);
        StoreApiEndpoints.Map(app);
        return app;
    }
}

/// <summary>A running sandbox, for tests and tools: start it, use <see cref="BaseUrl"/>, dispose it.</summary>
public sealed class SandboxHost : IAsyncDisposable
{
    private SandboxHost(WebApplication app, Uri baseUrl)
    {
        App = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The running application.</summary>
    public WebApplication App { get; }

    /// <summary>The store base URL the sandbox announces (its own address, ending in '/').</summary>
    public Uri BaseUrl { get; }

    /// <summary>Starts a sandbox on <paramref name="url"/> (a free loopback port by default).</summary>
    /// <param name="options">The sandbox's behaviour.</param>
    /// <param name="url">Where to listen.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    public static async Task<SandboxHost> StartAsync(SandboxOptions? options = null, string url = "http://127.0.0.1:0", TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        WebApplication app = SandboxServer.Build(options ?? new SandboxOptions(), [url], timeProvider);
        await app.StartAsync(cancellationToken);
        return new SandboxHost(app, new Uri(app.Services.GetRequiredService<SandboxAddress>().BaseUrl));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
