using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Diagnostics.Doctor;
using MagentoOAuth.Signing;
using MagentoOAuth.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Cli.Commands;

/// <summary>
/// <c>magento-oauth doctor TARGET</c>: why a real store refuses, as a fixed list of checks with causes and fixes.
/// Exit 0 when no check failed, 1 when one did, 2 for bad input.
/// </summary>
internal static partial class DoctorCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("TARGET") { Description = "A stored store (id, consumer key or base URL, as for 'call') or a store base URL such as https://shop.example.com/." };
        var needs = new Option<string[]>("--need")
        {
            Description = "What the app needs, checked by the acl check (repeatable): a REST path read with GET (/V1/orders, /default/V1/products?searchCriteria[pageSize]=1) or an ACL resource (Magento_Sales::sales).",
            HelpName = "PATH|RESOURCE",
        };
        var consumerKey = new Option<string?>("--consumer-key") { Description = "The integration's consumer key (or MAGENTO_OAUTH_CONSUMER_KEY, … for all four, used when TARGET is a URL of a store that is not stored)." };
        var consumerSecret = new Option<string?>("--consumer-secret") { Description = "The consumer secret (or MAGENTO_OAUTH_CONSUMER_SECRET)." };
        var accessToken = new Option<string?>("--access-token") { Description = "The access token (or MAGENTO_OAUTH_ACCESS_TOKEN)." };
        var accessTokenSecret = new Option<string?>("--access-token-secret") { Description = "The access token secret (or MAGENTO_OAUTH_ACCESS_TOKEN_SECRET)." };
        var json = new Option<bool>("--json") { Description = "Print {\"target\", \"checks\": [{\"id\", \"status\", \"summary\", \"cause\", \"fix\"}]} on standard output." };
        var db = CliStore.DatabaseOption();
        var keyFile = CliStore.KeyFileOption();
        var command = new Command("doctor", "Find out why a store refuses: runs these checks, each bounded in time, and prints pass, warn, fail or skip, " +
            "with the cause and the fix for every warn and fail:\n  " + string.Join(", ", StoreDoctor.CheckIds) + "\n" +
            "Checks that need credentials are skipped without them. Only GET requests are sent; nothing is written to the store. For a stored store, " +
            "the signer generation found is remembered.\n\nExit codes: 0 no check failed, 1 a check failed, 2 bad input.\n\nExamples:\n" +
            "  magento-oauth doctor https://shop.example.com/\n" +
            "  magento-oauth doctor 3f0c…  --need /V1/orders --need Magento_Catalog::products\n" +
            "More: " + Troubleshooting.Url)
        {
            target, needs, consumerKey, consumerSecret, accessToken, accessTokenSecret, json, db, keyFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            IReadOnlyList<string> needed = Needs(parse.GetValue(needs) ?? []);
            string? key = parse.GetValue(consumerKey);
            string? secret = parse.GetValue(consumerSecret);
            string? token = parse.GetValue(accessToken);
            string? tokenSecret = parse.GetValue(accessTokenSecret);
            string reference = parse.GetRequiredValue(target);
            bool isUrl = Uri.TryCreate(reference, UriKind.Absolute, out Uri? url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);
            if (isUrl && url!.UserInfo.Length > 0)
            {
                throw new CliUsageException("the URL must not contain a user name or password.");
            }

            StoredStore? stored = null;
            OAuthCredentials? credentials = null;
            if (key is not null || secret is not null || token is not null || tokenSecret is not null)
            {
                if (!isUrl)
                {
                    throw new CliUsageException("with credentials on the command line, TARGET must be the store base URL (https://…).");
                }

                credentials = Credentials(key, secret, token, tokenSecret);
            }
            else if (!isUrl && !DatabaseExists(parse.GetValue(db)))
            {
                throw new CliUsageException($"'{reference}' is not a URL, and there is no database of stored stores here ({CliStore.DatabasePath(null)}): give the store base URL, or --db.");
            }
            else
            {
                if (!isUrl || DatabaseExists(parse.GetValue(db)))
                {
                    stored = await FindStoredAsync(parse.GetValue(db), parse.GetValue(keyFile), reference, mustExist: !isUrl, cancellationToken);
                }

                if (stored is not null)
                {
                    url = new Uri(stored.Connection.StoreBaseUrl);
                    credentials = stored.Connection.AccessToken is { } t && stored.Connection.AccessTokenSecret is { } ts
                        ? new OAuthCredentials(stored.Connection.ConsumerKey, stored.Connection.ConsumerSecret, t, ts)
                        : new OAuthCredentials(stored.Connection.ConsumerKey, stored.Connection.ConsumerSecret);
                }
                else if (Variable("MAGENTO_OAUTH_CONSUMER_KEY") is { } fromEnvironment)
                {
                    // A URL of a store that is not stored: the environment's credentials, as for the flags.
                    credentials = Credentials(fromEnvironment, Variable("MAGENTO_OAUTH_CONSUMER_SECRET"), Variable("MAGENTO_OAUTH_ACCESS_TOKEN"), Variable("MAGENTO_OAUTH_ACCESS_TOKEN_SECRET"));
                }
            }

            var request = new DoctorRequest(url!) { Credentials = credentials, Needs = needed, Profile = stored?.Connection.Profile ?? SignatureProfile.Rfc5849 };
            DoctorReport report = await new StoreDoctor().RunAsync(request, cancellationToken);
            if (stored is not null && report.Signer is { } signer && signer != stored.Connection.Profile)
            {
                await RememberAsync(stored, signer, cancellationToken);
            }

            TextWriter output = parse.InvocationConfiguration.Output;
            await output.WriteAsync(parse.GetValue(json) ? Json(report) : Text(report, stored));
            return report.Failed ? CliApp.Failure : CliApp.Success;
        });
        return command;
    }

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    [GeneratedRegex("^[A-Za-z0-9_]+::[A-Za-z0-9_]+$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex AclResource();

    private static List<string> Needs(string[] needs)
    {
        foreach (string need in needs)
        {
            if (!need.StartsWith('/') && !AclResource().IsMatch(need))
            {
                throw new CliUsageException($"--need '{need}' is neither a REST path (/V1/orders) nor an ACL resource (Magento_Sales::sales).");
            }

            if (need.StartsWith('/') && need.Split('?')[0].Contains("..", StringComparison.Ordinal))
            {
                throw new CliUsageException($"--need '{need}': a path with '..' is not a REST path.");
            }
        }

        return [.. needs];
    }

    private static OAuthCredentials Credentials(string? key, string? secret, string? token, string? tokenSecret)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new CliUsageException("credentials need --consumer-key (or MAGENTO_OAUTH_CONSUMER_KEY).");
        }

        if (string.IsNullOrEmpty(secret))
        {
            throw new CliUsageException("credentials need --consumer-secret (or MAGENTO_OAUTH_CONSUMER_SECRET).");
        }

        if ((token is null) != (tokenSecret is null))
        {
            throw new CliUsageException("--access-token and --access-token-secret go together.");
        }

        return token is null ? new OAuthCredentials(key, secret) : new OAuthCredentials(key, secret, token, tokenSecret);
    }

    private static bool DatabaseExists(string? db) =>
        db is not null || Variable(CliStore.DatabaseVariable) is not null || File.Exists(CliStore.DatabasePath(null));

    private sealed record StoredStore(StoreConnection Connection, ICredentialStore Store);

    private static async Task<StoredStore?> FindStoredAsync(string? db, string? keyFile, string reference, bool mustExist, CancellationToken cancellationToken)
    {
        ICredentialStore store = await CliStore.OpenAsync(db, keyFile, cancellationToken);
        try
        {
            return new StoredStore(await CliStore.FindAsync(store, reference, cancellationToken), store);
        }
        catch (CliUsageException) when (!mustExist)
        {
            return null; // a URL of a store that is not stored: examined without credentials
        }
    }

    /// <summary>The generation found, kept on the connection through the library's lifecycle, as the app's own clients do.</summary>
    private static async Task RememberAsync(StoredStore stored, SignatureProfile signer, CancellationToken cancellationToken)
    {
        await using ServiceProvider services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddMagentoStorage(stored.Store)
            .AddMagentoIntegration(_ => { })
            .BuildServiceProvider();
        await services.GetRequiredService<ConnectionLifecycle>().SetProfileAsync(stored.Connection.Id, signer, cancellationToken);
    }

    private static string Status(DoctorStatus status) => status.ToString().ToLowerInvariant();

    private static string Text(DoctorReport report, StoredStore? stored)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"doctor: {report.Target.AbsoluteUri}");
        if (stored is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" (stored store {stored.Connection.Id}, {stored.Connection.Status.ToString().ToLowerInvariant()})");
        }

        text.AppendLine();
        int width = StoreDoctor.CheckIds.Max(i => i.Length);
        foreach (DoctorCheck check in report.Checks)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {Status(check.Status),-4}  {check.Id.PadRight(width)}  {TerminalText.Safe(check.Summary)}");
            if (check.Cause is not null)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"        {new string(' ', width)}  cause: {TerminalText.Safe(check.Cause)}");
            }

            if (check.Fix is not null)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"        {new string(' ', width)}  fix:   {TerminalText.Safe(check.Fix)}");
            }
        }

        int Count(DoctorStatus s) => report.Checks.Count(c => c.Status == s);
        text.AppendLine(CultureInfo.InvariantCulture, $"{Count(DoctorStatus.Pass)} passed, {Count(DoctorStatus.Warn)} warned, {Count(DoctorStatus.Fail)} failed, {Count(DoctorStatus.Skip)} skipped.");
        if (stored is not null && report.Signer is { } signer)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Remembered signer g{(int)signer} for this store.");
        }

        if (report.Failed)
        {
            text.AppendLine("More: " + Troubleshooting.Url);
        }

        return text.ToString();
    }

    private static string Json(DoctorReport report)
    {
        var checks = new JsonArray();
        foreach (DoctorCheck check in report.Checks)
        {
            checks.Add((JsonNode)new JsonObject
            {
                ["id"] = check.Id,
                ["status"] = Status(check.Status),
                ["summary"] = check.Summary,
                ["cause"] = check.Cause,
                ["fix"] = check.Fix,
            });
        }

        var root = new JsonObject
        {
            ["target"] = report.Target.AbsoluteUri,
            ["checks"] = checks,
            ["workingBaseUrl"] = report.WorkingBaseUrl?.AbsoluteUri,
            ["signer"] = report.Signer is { } s ? "g" + (int)s : null,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + Environment.NewLine;
    }
}
