using System.CommandLine;
using System.Globalization;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Sandbox.Oauth;
using Microsoft.AspNetCore.Builder;

namespace MagentoOAuth.Cli.Commands;

/// <summary><c>magento-oauth sandbox</c>: runs a local Magento-compatible OAuth provider until Ctrl+C.</summary>
internal static class SandboxCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen (loopback by default). The store base URL it announces is this URL with a trailing '/'.",
            DefaultValueFactory = _ => "http://127.0.0.1:8080",
        };
        var expiry = new Option<int>("--consumer-expiry")
        {
            Description = "Seconds after the credential POST during which a request token may be asked for (Magento: 300).",
            DefaultValueFactory = _ => 300,
        };
        var signer = new Option<string>("--signer")
        {
            Description = "The Magento signer to imitate: g1 (2.4.0–2.4.3, allows HMAC-SHA1), g2 (2.4.4–≈2.4.7), g3 (≈2.4.7-pN), g4 (≈2.4.8+, default).",
            DefaultValueFactory = _ => "g4",
        };
        signer.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "g1", "g2", "g3", "g4");
        var allowBearer = new Option<bool>("--allow-bearer") { Description = "Accept integration access tokens as 'Authorization: Bearer' (Magento: off by default)." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Keep integrations and tokens in DIR across restarts (default: in memory)." };
        var faults = new Option<string[]>("--faults")
        {
            Description = "Inject failures, ENDPOINT:KIND[=VALUE]:PROBABILITY[:COUNT] (repeatable): endpoints request, access, rest, *; kinds error[=STATUS], " +
                          "slow=MS, reset, timeout. E.g. --faults access:error=503:1:20 --faults rest:slow=2000:0.3. Also PUT /sandbox/api/faults.",
        };
        var clockOffset = new Option<int>("--clock-offset") { Description = "Seconds to move the store's clock (negative: behind the client, so its timestamps look ahead)." };
        var separateStores = new Option<bool>("--separate-stores") { Description = "Make each integration its own store at {base}stores/{id}/ (one sandbox standing in for many merchants)." };
        var allowHost = new Option<string[]>("--allow-host")
        {
            Description = "Also answer requests for this host name (repeatable), e.g. a name from /etc/hosts or a tunnel's. Only localhost, IP addresses " +
                          "and the host of --urls are answered otherwise, so a web page cannot reach the sandbox through a DNS name it rebinds to 127.0.0.1.",
        };

        var stripAuthorization = new Option<bool>("--strip-authorization")
        {
            Description = "Imitate Apache with PHP as CGI/FastCGI and no CGIPassAuth: the Authorization header never reaches Magento " +
                          "(REST callers are guests; the token endpoints report every oauth parameter missing).",
        };
        var basicAuth = new Option<string?>("--basic-auth")
        {
            Description = "Imitate a password-protected staging store: storefront requests need 'Authorization: Basic' with USER:PASSWORD, " +
                          "or get the web server's 401 (WWW-Authenticate: Basic realm=\"Staging\"). /admin and /sandbox/api stay open.",
            HelpName = "USER:PASSWORD",
        };
        var redirectTo = new Option<string?>("--redirect-to")
        {
            Description = "Imitate an http->https or non-www->www rule: storefront requests for another scheme or host:port get " +
                          "301 to URL + path (URL: absolute http(s), ending in '/').",
            HelpName = "URL",
        };
        var noVersion = new Option<bool>("--no-magento-version") { Description = "Answer 404 at /magento_version, as a store with Magento_Version disabled." };
        var noRewrites = new Option<bool>("--no-rewrites")
        {
            Description = "Imitate a web server without Magento's rewrite rules: /rest, /oauth and /magento_version are 404, only /index.php/... works.",
        };

        var command = new Command("sandbox", "Run a local stand-in for a Magento 2.4 store: its OAuth token endpoints, a few REST resources, and an admin " +
            "where you create and activate integrations, so the whole Integration flow runs with no Magento install.")
        {
            urls, expiry, signer, allowBearer, dataDir, faults, clockOffset, separateStores, allowHost,
            stripAuthorization, basicAuth, redirectTo, noVersion, noRewrites,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            string url = parse.GetValue(urls)!;
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? listen) || listen.Scheme != Uri.UriSchemeHttp)
            {
                throw new CliUsageException($"--urls '{url}' must be an http URL such as http://127.0.0.1:8080.");
            }

            int seconds = parse.GetValue(expiry);
            if (seconds <= 0)
            {
                throw new CliUsageException("--consumer-expiry must be a positive number of seconds.");
            }

            var options = new SandboxOptions
            {
                ConsumerExpiry = TimeSpan.FromSeconds(seconds),
                Signer = Enum.Parse<SignerGeneration>(parse.GetValue(signer)!, ignoreCase: true),
                AllowBearer = parse.GetValue(allowBearer),
                DataDirectory = parse.GetValue(dataDir),
                SeparateStores = parse.GetValue(separateStores),
                StripAuthorization = parse.GetValue(stripAuthorization),
                ExposeVersion = !parse.GetValue(noVersion),
                RequireIndexPhp = parse.GetValue(noRewrites),
            };
            try
            {
                options.ClockOffset = TimeSpan.FromSeconds(parse.GetValue(clockOffset));
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new CliUsageException("--clock-offset: " + FirstSentence(e));
            }

            try
            {
                options.BasicAuth = parse.GetValue(basicAuth);
            }
            catch (ArgumentException e)
            {
                throw new CliUsageException("--basic-auth: " + FirstSentence(e));
            }

            try
            {
                options.RedirectTo = parse.GetValue(redirectTo);
            }
            catch (ArgumentException e)
            {
                throw new CliUsageException("--redirect-to: " + FirstSentence(e));
            }

            foreach (string host in (parse.GetValue(allowHost) ?? []).Append(listen.Host))
            {
                options.AllowedHosts.Add(host);
            }

            foreach (string fault in parse.GetValue(faults) ?? [])
            {
                try
                {
                    options.Faults.Add(MagentoOAuth.Sandbox.Faults.SandboxFault.Parse(fault));
                }
                catch (FormatException e)
                {
                    throw new CliUsageException("--faults " + e.Message);
                }
            }

            WebApplication app = SandboxServer.Build(options, [url]);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"magento-oauth: error: cannot listen on {url}: {e.Message}");
                return CliApp.Failure;
            }

            string baseUrl = app.Urls.Select(u => u.TrimEnd('/') + "/").First();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $$"""
                Magento sandbox listening at {{baseUrl}} (signer {{options.Signer}}, consumer expiry {{seconds}} s, Bearer {{(options.AllowBearer ? "allowed" : "off")}}, state {{(options.DataDirectory is null ? "in memory" : "in " + options.DataDirectory)}}{{(options.Faults.Count == 0 ? string.Empty : ", faults " + string.Join(' ', options.Faults))}}{{BrokenStore(options)}})
                  Admin:            {{baseUrl}}admin
                  Token endpoints:  {{baseUrl}}oauth/token/request and {{baseUrl}}oauth/token/access
                  REST:             {{baseUrl}}rest/V1/store/storeConfigs, …/V1/products, …/V1/orders
                  Scriptable API:   {{baseUrl}}sandbox/api/integrations, {{baseUrl}}sandbox/api/store

                Create a first integration: open the admin, choose Add New Integration, give your app's Callback URL and
                Identity Link URL (or none, for a manual integration), Save, then Activate. Or from a script:
                  curl -s -X POST {{baseUrl}}sandbox/api/integrations -H 'Content-Type: application/json' \
                    -d '{"name":"My app","callbackUrl":"http://127.0.0.1:5000/magento/callback","identityLinkUrl":"http://127.0.0.1:5000/magento/identity"}'
                  curl -s -X POST {{baseUrl}}sandbox/api/integrations/1/activate

                Press Ctrl+C to stop.
                """));
            return await CliHost.RunUntilCancelledAsync(app, cancellationToken);
        });
        return command;
    }

    // The setters' messages go on with the parameter name (and the value); the first line is the one to show.
    private static string FirstSentence(ArgumentException e) => e.Message.Split([" (Parameter", "\n", "\r"], 2, StringSplitOptions.None)[0];

    /// <summary>The web server setups in effect, for the banner (empty for a healthy store).</summary>
    private static string BrokenStore(SandboxOptions options)
    {
        var parts = new List<string>();
        if (options.StripAuthorization)
        {
            parts.Add("Authorization header stripped");
        }

        if (options.BasicAuth is { } credentials)
        {
            parts.Add("basic auth as " + credentials[..credentials.IndexOf(':', StringComparison.Ordinal)]);
        }

        if (options.RedirectTo is { } target)
        {
            parts.Add("301 to " + target);
        }

        if (!options.ExposeVersion)
        {
            parts.Add("no /magento_version");
        }

        if (options.RequireIndexPhp)
        {
            parts.Add("no rewrites: /index.php/ only");
        }

        if (options.ClockOffset != TimeSpan.Zero)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"clock {options.ClockOffset.TotalSeconds:+0;-0} s"));
        }

        return parts.Count == 0 ? string.Empty : ", " + string.Join(", ", parts);
    }
}
