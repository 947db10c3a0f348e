using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Signing;
using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Cli.Commands;

/// <summary>
/// <c>magento-oauth demo</c>: the whole Integration flow on this machine. A sandbox Magento and the endpoint start on
/// free loopback ports; an integration is created and activated as the admin would; the exchange runs the moment the
/// credentials arrive; the identity link is followed like a browser; then a signed API call. Nothing is left running.
/// </summary>
internal static partial class DemoCommand
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static Command Create()
    {
        var command = new Command("demo", "Run the whole Magento Integration flow locally (a sandbox store and the endpoint on loopback), step by step, and finish with a signed API call.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter o = parse.InvocationConfiguration.Output;
            DirectoryInfo directory = Directory.CreateTempSubdirectory("magento-oauth-demo-");
            WebApplication? sandbox = null;
            WebApplication? endpoint = null;
            try
            {
                await o.WriteLineAsync("MagentoOAuth demo: a Magento store's Integration flow, end to end, on this machine.\n");
                sandbox = SandboxServer.Build(new SandboxOptions(), ["http://127.0.0.1:0"], configureLogging: l => l.SetMinimumLevel(LogLevel.Error));
                await sandbox.StartAsync(cancellationToken);
                string store = sandbox.Urls.First() + "/";

                string db = Path.Combine(directory.FullName, "magento-oauth.db");
                SqliteCredentialStore credentials = await SqliteCredentialStore.OpenAsync(db, new SecretProtector(EncryptionKey.Resolve(null, Path.Combine(directory.FullName, "magento-oauth.key"))), cancellationToken);
                endpoint = ServeCommand.Build(credentials, "http://127.0.0.1:0", options => options.AllowPrivateStores = true, LogLevel.Error);
                await endpoint.StartAsync(cancellationToken);
                string app = endpoint.Urls.First();

                await o.WriteLineAsync($" 1. Sandbox Magento store:   {store}  (admin: {store}admin)");
                await o.WriteLineAsync($" 2. Your app's endpoint:     Callback URL {app}/magento/callback");
                await o.WriteLineAsync($"                             Identity Link URL {app}/magento/identity");

                using var admin = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                JsonObject created = await JsonAsync(await admin.PostAsync(store + "sandbox/api/integrations", Json(new JsonObject
                {
                    ["name"] = "Demo app",
                    ["callbackUrl"] = app + "/magento/callback",
                    ["identityLinkUrl"] = app + "/magento/identity",
                }), cancellationToken), cancellationToken);
                string consumerKey = (string)created["consumerKey"]!;
                await o.WriteLineAsync($" 3. Created the integration \"Demo app\" in the Magento admin (consumer key {SecretMask.Mask(consumerKey)})");

                var clock = Stopwatch.StartNew();
                JsonObject activation = await JsonAsync(await admin.PostAsync(store + "sandbox/api/integrations/" + (int)created["id"]! + "/activate", null, cancellationToken), cancellationToken);
                await o.WriteLineAsync($" 4. Clicked Activate: Magento posted the credentials to the Callback URL (HTTP {activation["callbackStatus"]}); the exchange starts at once:");

                StoreConnection connected = await FollowAsync(credentials, consumerKey, clock, o, cancellationToken);
                if (connected.Status != StoreStatus.Active)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"magento-oauth: the demo store ended {connected.Status.ToString().ToLowerInvariant()}: {connected.StatusReason}");
                    return CliApp.Failure;
                }

                string identity = (string)activation["identityLinkUrl"]!;
                string returnedTo = await FollowIdentityLinkAsync(identity, cancellationToken);
                await o.WriteLineAsync($" 5. Opened the Identity Link as the merchant's browser would, confirmed, and was sent back to Magento:");
                await o.WriteLineAsync($"    {returnedTo}");
                await o.WriteLineAsync($" 6. Stored credentials (encrypted in {db}):");
                await o.WriteLineAsync($"    consumer key {SecretMask.Mask(connected.ConsumerKey)}  consumer secret ***  access token {SecretMask.Mask(connected.AccessToken)}  access token secret ***");

                var (api, apiServices) = StoreClient.Create(connected, credentials);
                await using ServiceProvider _ = apiServices;
                using HttpClient __ = api;
                const string path = "V1/products?searchCriteria%5BpageSize%5D=3&searchCriteria%5BsortOrders%5D%5B0%5D%5Bfield%5D=price";
                using HttpResponseMessage response = await api.GetAsync(path, cancellationToken);
                JsonObject products = await JsonAsync(response, cancellationToken);
                await o.WriteLineAsync($" 7. Signed API call: GET /rest/{Uri.UnescapeDataString(path)} → {(int)response.StatusCode} {response.StatusCode}, {products["items"]!.AsArray().Count} of {products["total_count"]} products:");
                foreach (JsonNode? item in products["items"]!.AsArray())
                {
                    await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"    {(string)item!["sku"]!,-14} {(string)item["name"]!,-26} {(decimal)item["price"]!,8:0.00}"));
                }

                string me = CliName.Command;
                (string Command, string Why)[] next =
                [
                    ($"{me} sandbox", "a Magento stand-in; its admin is at http://127.0.0.1:8080/admin"),
                    ($"{me} serve --allow-private-stores", "your endpoint; paste its two URLs into the sandbox admin, then Activate"),
                    ($"{me} stores list", "the stores that connected (in ./magento-oauth.db)"),
                    ($"{me} call STORE GET '/V1/products?searchCriteria[pageSize]=5'", "STORE: an id from 'stores list'"),
                    ($"{me} doctor STORE", "when a real store refuses: ten checks, each with the cause and the fix"),
                    ($"{me} verify --help", "when Magento refuses another client's request (curl or raw HTTP in)"),
                ];
                await o.WriteLineAsync("\nDone: credentials received, exchanged, verified and stored, with no Magento install. Next:");
                int width = next.Max(n => n.Command.Length);
                foreach (var (line, why) in next)
                {
                    await o.WriteLineAsync($"  {line.PadRight(width)}   # {why}");
                }

                return CliApp.Success;
            }
            finally
            {
                if (endpoint is not null)
                {
                    await endpoint.StopAsync(CancellationToken.None);
                    await endpoint.DisposeAsync();
                }

                if (sandbox is not null)
                {
                    await sandbox.StopAsync(CancellationToken.None);
                    await sandbox.DisposeAsync();
                }

                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                directory.Delete(recursive: true);
            }
        });
        return command;
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

    private static async Task<JsonObject> JsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
        }
    }

    /// <summary>Prints each step as the store record reaches it, until it is active or failed (bounded).</summary>
    private static async Task<StoreConnection> FollowAsync(SqliteCredentialStore credentials, string consumerKey, Stopwatch clock, TextWriter o, CancellationToken cancellationToken)
    {
        string[] names = ["received", "request token", "access token", "verified"];
        int shown = -1;
        while (clock.Elapsed < Limit)
        {
            StoreConnection? s = await credentials.FindByConsumerKeyAsync(consumerKey, cancellationToken);
            if (s is not null)
            {
                int reached = s.Status == StoreStatus.Active ? 3 : (int)s.Step;
                for (; shown < reached && shown < 3; shown++)
                {
                    await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"    {names[shown + 1],-14} +{clock.Elapsed.TotalSeconds:0.000} s"));
                }

                if (s.Status is StoreStatus.Active)
                {
                    await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"    {"active",-14} +{clock.Elapsed.TotalSeconds:0.000} s  store \"{s.StoreName}\", {s.Locale}, {s.Currency}"));
                    return s;
                }

                if (s.Status is StoreStatus.Failed or StoreStatus.Revoked)
                {
                    return s;
                }
            }

            await Task.Delay(20, cancellationToken);
        }

        throw new TimeoutException($"The demo store was not active within {Limit.TotalSeconds:0} s.");
    }

    /// <summary>GET the identity page, submit its form with its antiforgery cookie, and follow the redirect back to Magento.</summary>
    private static async Task<string> FollowIdentityLinkAsync(string identityLinkUrl, CancellationToken cancellationToken)
    {
        using var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
        string page = await browser.GetStringAsync(identityLinkUrl, cancellationToken);
        Match form = FormAction().Match(page);
        var fields = HiddenField().Matches(page).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        using HttpResponseMessage confirmed = await browser.PostAsync(new Uri(new Uri(identityLinkUrl), WebUtility.HtmlDecode(form.Groups["action"].Value)), new FormUrlEncodedContent(fields), cancellationToken);
        Uri back = confirmed.Headers.Location ?? throw new InvalidOperationException($"The identity page did not redirect (HTTP {(int)confirmed.StatusCode}).");
        string closing = await browser.GetStringAsync(back, cancellationToken);
        return $"{back} (which answers {closing})";
    }

    [GeneratedRegex("<form method=\"post\" action=\"(?<action>[^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\">")]
    private static partial Regex HiddenField();
}
