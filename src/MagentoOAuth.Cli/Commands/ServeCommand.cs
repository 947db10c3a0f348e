using System.CommandLine;
using MagentoOAuth.AspNetCore;
using MagentoOAuth.Operations.Admin;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Cli.Commands;

/// <summary><c>magento-oauth serve</c>: the integration endpoint (Callback URL and Identity Link URL) as a ready server.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var publicUrl = new Option<string?>("--public-url") { Description = "The address Magento uses to reach this server (behind a proxy or tunnel); default: the listening address." };
        var db = CliStore.DatabaseOption();
        var keyFile = CliStore.KeyFileOption();
        var allowPrivate = new Option<bool>("--allow-private-stores") { Description = "Accept stores on loopback or private addresses (a local Magento or the sandbox)." };
        var allowHost = new Option<string[]>("--allow-store-host") { Description = "Accept only these store hosts (repeatable; '.example.com' allows subdomains)." };
        var claimLease = new Option<int>("--claim-lease")
        {
            Description = "Seconds an instance holds a store's exchange without renewing it; another instance sharing the database takes over after that if it dies.",
            DefaultValueFactory = _ => 30,
        };

        var forwarded = new Option<bool>("--forwarded-headers")
        {
            Description = "Behind a TLS-terminating proxy on this machine: take the client address and scheme from its X-Forwarded-For and X-Forwarded-Proto " +
                          "(only from a loopback proxy), so the identity page's cookies are Secure.",
        };

        var callbackLimit = new Option<int>("--callback-limit")
        {
            Description = "Callbacks accepted per minute from one client address (an IPv6 /64), answered 429 beyond it; 0 for no limit. Magento sends one per Activate or Reauthorize.",
            DefaultValueFactory = _ => new MagentoIntegrationOptions().CallbackLimitPerAddress,
        };
        var callbackLimitTotal = new Option<int>("--callback-limit-total")
        {
            Description = "Callbacks accepted per minute from all addresses together; 0 for no limit.",
            DefaultValueFactory = _ => new MagentoIntegrationOptions().CallbackLimitTotal,
        };
        var unfinishedPerHost = new Option<int>("--max-unfinished-per-host")
        {
            Description = "New integrations of one store host that may be unfinished at once (forged callbacks at a store that never answers fill this, not the exchange).",
            DefaultValueFactory = _ => new MagentoIntegrationOptions().MaxUnfinishedPerStoreHost,
        };
        var retainFailed = new Option<string>("--retain-failed")
        {
            Description = "How long failed activations that never got a token (and are linked to no account) are kept: 7d, 12h, 30m, or 'forever'.",
            DefaultValueFactory = _ => "7d",
        };

        var adminUrls = new Option<string?>("--admin-urls")
        {
            Description = "Also listen here for the admin listener: the signing proxy (/proxy/{STORE}/rest/…), the dashboard (/) and /metrics, " +
                          "each behind an API key ('keys create'). Off by default, so instances on one host never collide. Example: http://127.0.0.1:5001",
        };
        var otlpEndpoint = new Option<string?>("--otlp-endpoint")
        {
            Description = "Also send metrics and traces by OTLP (HTTP/protobuf) to this collector base URL, e.g. http://127.0.0.1:4318/ (needs --admin-urls; see docs/metrics.md).",
        };
        var adminPublic = new Option<bool>("--admin-public") { Description = "Allow --admin-urls on a non-loopback address (put TLS in front: keys are bearer secrets)." };

        var command = new Command("serve", "Run the Magento integration endpoint: paste the printed Callback URL and Identity Link URL into the " +
            "integration in the Magento admin, then click Activate. Credentials are exchanged at once and stored encrypted. " +
            "With --admin-urls, also the admin listener: a signing proxy any language can call, a dashboard and metrics.")
        {
            urls, publicUrl, db, keyFile, allowPrivate, allowHost, claimLease, forwarded, callbackLimit, callbackLimitTotal, unfinishedPerHost, retainFailed,
            adminUrls, adminPublic, otlpEndpoint,
        };
        var webhookOptions = new ServeWebhookOptions();
        webhookOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            string listen = parse.GetValue(urls)!;
            if (!Uri.TryCreate(listen, UriKind.Absolute, out _))
            {
                throw new CliUsageException($"--urls '{listen}' is not a URL such as http://127.0.0.1:5000.");
            }

            string? announced = parse.GetValue(publicUrl);
            if (announced is not null && (!Uri.TryCreate(announced, UriKind.Absolute, out Uri? p) || (p.Scheme != Uri.UriSchemeHttps && p.Scheme != Uri.UriSchemeHttp)))
            {
                throw new CliUsageException($"--public-url '{announced}' must be an absolute http(s) URL.");
            }

            int lease = parse.GetValue(claimLease);
            if (lease < 1)
            {
                throw new CliUsageException("--claim-lease must be at least 1 second.");
            }

            int perAddress = parse.GetValue(callbackLimit), total = parse.GetValue(callbackLimitTotal), perHost = parse.GetValue(unfinishedPerHost);
            if (perAddress < 0 || total < 0)
            {
                throw new CliUsageException("--callback-limit and --callback-limit-total must be 0 (no limit) or more.");
            }

            if (perHost < 1)
            {
                throw new CliUsageException("--max-unfinished-per-host must be at least 1.");
            }

            TimeSpan retain = ParseRetention(parse.GetValue(retainFailed)!);
            AdminListener? admin = parse.GetValue(adminUrls) is { } adminUrl ? AdminListener.Parse(adminUrl, listen, parse.GetValue(adminPublic)) : null;
            if (parse.GetValue(otlpEndpoint) is { } otlp)
            {
                // The URL is not repeated in the message: it could hold credentials.
                admin = !Uri.TryCreate(otlp, UriKind.Absolute, out Uri? collector) || collector.Scheme is not ("http" or "https") || collector.Query.Length > 0
                    ? throw new CliUsageException("--otlp-endpoint is not an http(s) URL without a query, such as http://127.0.0.1:4318/.")
                    : admin is null ? throw new CliUsageException("--otlp-endpoint needs --admin-urls (the admin features export the metrics).")
                    : admin with { Configure = o => o.OtlpEndpoint = collector };
            }
            ServeWebhooks? webhooks = webhookOptions.Read(parse);
            ICredentialStore store = await CliStore.OpenAsync(parse.GetValue(db), parse.GetValue(keyFile), cancellationToken);
            WebApplication app = Build(store, listen, o =>
            {
                o.ClaimLease = TimeSpan.FromSeconds(lease);
                o.RequestTimeout = TimeSpan.FromSeconds(Math.Min(20, Math.Max(1, lease)));
                o.ScanInterval = TimeSpan.FromSeconds(Math.Clamp(lease / 3.0, 0.5, 5));
                o.AllowPrivateStores = parse.GetValue(allowPrivate);
                o.CallbackLimitPerAddress = perAddress;
                o.CallbackLimitTotal = total;
                o.MaxUnfinishedPerStoreHost = perHost;
                o.RetainFailed = retain;
                foreach (string host in parse.GetValue(allowHost) ?? [])
                {
                    o.AllowedStoreHosts.Add(host);
                }
            }, LogLevel.Information, forwardedHeaders: parse.GetValue(forwarded), admin: admin, services: webhooks is null ? null : s => s.AddMagentoWebhooks(webhooks.Configure));
            await app.StartAsync(cancellationToken);
            string baseUrl = (announced ?? app.Urls.First()).TrimEnd('/');
            TextWriter output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync($"""
                Magento integration endpoint listening at {app.Urls.First()} (database {CliStore.DatabasePath(parse.GetValue(db))})
                In the Magento admin (System › Extensions › Integrations › Add New Integration), set:
                  Callback URL:       {baseUrl}{MagentoIntegrationDefaults.PathPrefix}{MagentoIntegrationDefaults.CallbackPath}
                  Identity Link URL:  {baseUrl}{MagentoIntegrationDefaults.PathPrefix}{MagentoIntegrationDefaults.IdentityPath}
                then Save and Activate. '{CliName.Command} stores list' shows connected stores. Press Ctrl+C to stop.
                """);
            await output.WriteLineAsync(admin is null
                ? $"Admin listener off (signing proxy, dashboard, /metrics): add --admin-urls http://127.0.0.1:{Math.Max(1, new Uri(listen).Port) + 1} and create a key with '{CliName.Command} keys create NAME'."
                : $"Admin listener at {admin.Url}: dashboard {admin.Url}/, proxy {admin.Url}/proxy/{{STORE}}/rest/…, metrics {admin.Url}/metrics (API key required: '{CliName.Command} keys create NAME').");
            if (webhooks is not null)
            {
                await output.WriteLineAsync(webhooks.Describe());
            }

            return await CliHost.RunUntilCancelledAsync(app, cancellationToken);
        });
        return command;
    }

    /// <summary>Reads <c>--retain-failed</c>: a positive number with d, h, m or s, or "forever".</summary>
    internal static TimeSpan ParseRetention(string text)
    {
        if (string.Equals(text, "forever", StringComparison.OrdinalIgnoreCase))
        {
            return Timeout.InfiniteTimeSpan;
        }

        if (text.Length >= 2 && double.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out double amount) && amount > 0)
        {
            TimeSpan? span = char.ToLowerInvariant(text[^1]) switch
            {
                'd' => TimeSpan.FromDays(amount),
                'h' => TimeSpan.FromHours(amount),
                'm' => TimeSpan.FromMinutes(amount),
                's' => TimeSpan.FromSeconds(amount),
                _ => null,
            };
            if (span is { } value)
            {
                return value;
            }
        }

        throw new CliUsageException($"--retain-failed '{text}' is not a duration such as 7d, 12h, 30m or 'forever'.");
    }

    /// <summary>The endpoint as an app: shared by serve, demo and the end-to-end tests.</summary>
    internal static WebApplication Build(ICredentialStore store, string url, Action<MagentoIntegrationOptions> configure, LogLevel logLevel, Action<ILoggingBuilder>? logging = null,
        bool forwardedHeaders = false, AdminListener? admin = null, Action<IServiceCollection>? services = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(admin is null ? url : $"{url};{admin.Url}");
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }).SetMinimumLevel(logLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning).AddFilter("System.Net.Http", LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        builder.Services.AddMagentoStorage(store);

        // Data Protection signs the identity page's antiforgery token. Its key ring lives in the shared database,
        // encrypted with the configured key, so any instance can confirm a page another instance served.
        if (store is IDataProtectionKeyStore)
        {
            builder.Services.AddDataProtection().SetApplicationName("magento-oauth").PersistKeysToMagentoStorage();
        }
        else
        {
            builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        }

        builder.Services.AddMagentoIntegration(configure);
        if (admin is not null)
        {
            builder.Services.AddMagentoOperations(o =>
            {
                o.AdminPort = admin.Port;
                admin.Configure?.Invoke(o);
            });
        }

        services?.Invoke(builder.Services);
        WebApplication app = builder.Build();
        if (forwardedHeaders)
        {
            // ASP.NET Core trusts only loopback proxies by default: a stranger's X-Forwarded-* is ignored.
            app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto });
        }

        if (admin is not null)
        {
            // Routing first, so the guard sees which endpoint (and so which listener) a request is for.
            app.UseRouting();
            app.UseMagentoAdminListener(admin.Port);
            app.UseAuthentication();
            app.UseAuthorization();
            app.UseAntiforgery();
            app.MapMagentoAdmin();
        }

        app.MapMagentoIntegration();
        app.MapMagentoHealthChecks().WithMetadata(AnyListenerMetadata.Instance);
        return app;
    }
}
