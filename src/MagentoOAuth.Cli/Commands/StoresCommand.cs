using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MagentoOAuth.Errors;
using MagentoOAuth.Exchange;
using MagentoOAuth.Signing;
using MagentoOAuth.Storage;

namespace MagentoOAuth.Cli.Commands;

/// <summary><c>magento-oauth stores list|show|remove|add</c>: the connected stores.</summary>
internal static class StoresCommand
{
    public static Command Create()
    {
        var command = new Command("stores", "List, inspect, remove or add connected Magento stores.");
        command.Add(List());
        command.Add(Show());
        command.Add(Remove());
        command.Add(Add());
        return command;
    }

    private static Command List()
    {
        var db = CliStore.DatabaseOption();
        var keyFile = CliStore.KeyFileOption();
        var json = new Option<bool>("--json") { Description = "Print a JSON array (id, storeBaseUrl, consumerKey, status, statusReason, …) for scripts and jq." };
        var command = new Command("list", "List the stores: status is pending, exchanging, active, failed or revoked.") { db, keyFile, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            ICredentialStore store = await CliStore.OpenAsync(parse.GetValue(db), parse.GetValue(keyFile), cancellationToken);
            IReadOnlyList<StoreConnection> stores = await store.ListAsync(cancellationToken);
            TextWriter output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(new JsonArray(stores.Select(s => (JsonNode)Describe(s)).ToArray()).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return CliApp.Success;
            }

            if (stores.Count == 0)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("No stores yet: run 'magento-oauth serve' and activate an integration, or 'magento-oauth stores add'.");
                return CliApp.Success;
            }

            await output.WriteLineAsync($"{"ID",-36}  {"STATUS",-10}  {"STORE",-40}  {"CONSUMER KEY",-8}  NAME");
            foreach (StoreConnection s in stores)
            {
                await output.WriteLineAsync($"{s.Id,-36}  {Status(s),-10}  {s.StoreBaseUrl,-40}  {SecretMask.Mask(s.ConsumerKey),-12}  {s.StoreName}{(s.StatusReason is null ? string.Empty : "  — " + s.StatusReason)}");
            }

            return CliApp.Success;
        });
        return command;
    }

    private static Command Show()
    {
        var db = CliStore.DatabaseOption();
        var keyFile = CliStore.KeyFileOption();
        var reference = new Argument<string>("STORE") { Description = "A store id, consumer key or store base URL." };
        var command = new Command("show", "Show one store, with its credential rotations (secrets are never shown).") { reference, db, keyFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            ICredentialStore store = await CliStore.OpenAsync(parse.GetValue(db), parse.GetValue(keyFile), cancellationToken);
            StoreConnection s = await CliStore.FindAsync(store, parse.GetRequiredValue(reference), cancellationToken);
            JsonObject described = Describe(s);
            described["accessToken"] = s.AccessToken is null ? null : SecretMask.Mask(s.AccessToken);
            described["rotations"] = new JsonArray((await store.ListRotationsAsync(s.Id, cancellationToken)).Select(r => (JsonNode)new JsonObject
            {
                ["at"] = r.At.ToString("O", CultureInfo.InvariantCulture),
                ["reason"] = r.Reason,
                ["accessTokenFingerprint"] = r.AccessTokenFingerprint,
            }).ToArray());
            await parse.InvocationConfiguration.Output.WriteLineAsync(described.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return CliApp.Success;
        });
        return command;
    }

    private static Command Remove()
    {
        var db = CliStore.DatabaseOption();
        var keyFile = CliStore.KeyFileOption();
        var reference = new Argument<string>("STORE") { Description = "A store id, consumer key or store base URL." };
        var command = new Command("remove", "Forget a store and its credentials (Magento is not told; delete the integration there too).") { reference, db, keyFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            ICredentialStore store = await CliStore.OpenAsync(parse.GetValue(db), parse.GetValue(keyFile), cancellationToken);
            StoreConnection s = await CliStore.FindAsync(store, parse.GetRequiredValue(reference), cancellationToken);
            await store.DeleteAsync(s.Id, cancellationToken);
            await parse.InvocationConfiguration.Error.WriteLineAsync($"Removed {s.StoreBaseUrl} ({s.Id}).");
            return CliApp.Success;
        });
        return command;
    }

    /// <summary>Manual integrations: the four credentials from the Magento admin, verified with a signed call before they are stored.</summary>
    private static Command Add()
    {
        var db = CliStore.DatabaseOption();
        var keyFile = CliStore.KeyFileOption();
        var url = new Option<string>("--url") { Description = "The store base URL, e.g. https://shop.example.com/.", Required = true };
        var consumerKey = new Option<string>("--consumer-key") { Required = true, Description = "Consumer Key from the integration's Integration Details." };
        var consumerSecret = new Option<string>("--consumer-secret") { Required = true, Description = "Consumer Secret." };
        var accessToken = new Option<string>("--access-token") { Required = true, Description = "Access Token." };
        var accessTokenSecret = new Option<string>("--access-token-secret") { Required = true, Description = "Access Token Secret." };
        var command = new Command("add", "Add a store from a manual integration's four credentials; they are checked with a signed call first.")
        {
            url, consumerKey, consumerSecret, accessToken, accessTokenSecret, db, keyFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            Uri baseUrl;
            try
            {
                baseUrl = MagentoEndpoints.NormalizeBaseUrl(new Uri(parse.GetRequiredValue(url), UriKind.RelativeOrAbsolute));
            }
            catch (Exception e) when (e is ArgumentException or UriFormatException)
            {
                throw new CliUsageException(e.Message);
            }

            var credentials = new OAuthCredentials(parse.GetRequiredValue(consumerKey), parse.GetRequiredValue(consumerSecret), parse.GetRequiredValue(accessToken), parse.GetRequiredValue(accessTokenSecret));
            using HttpClient client = StoreClient.Create(baseUrl, credentials);
            using HttpResponseMessage response = await client.GetAsync("V1/store/storeConfigs", cancellationToken);
            JsonElement first = default;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                JsonElement configs = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement;
                first = configs.ValueKind == JsonValueKind.Array && configs.GetArrayLength() > 0 ? configs[0] : default;
            }
            else
            {
                MagentoOAuthException error = await MagentoErrorParser.ToExceptionAsync(response, cancellationToken);
                if (error.Problem != MagentoProblem.NotAuthorized || response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync("magento-oauth: the credentials do not work: " + error.Message);
                    return CliApp.Failure;
                }
            }

            string? Text(string name) => first.ValueKind == JsonValueKind.Object && first.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            ICredentialStore store = await CliStore.OpenAsync(parse.GetValue(db), parse.GetValue(keyFile), cancellationToken);
            DateTimeOffset now = DateTimeOffset.UtcNow;
            var connection = new StoreConnection
            {
                Id = Guid.NewGuid(),
                StoreBaseUrl = baseUrl.AbsoluteUri,
                ConsumerKey = credentials.ConsumerKey,
                ConsumerSecret = credentials.ConsumerSecret,
                AccessToken = credentials.Token,
                AccessTokenSecret = credentials.TokenSecret,
                Status = StoreStatus.Active,
                Step = ExchangeStep.Verified,
                ReceivedAt = now,
                UpdatedAt = now,
                StoreName = Text("code"),
                Locale = Text("locale"),
                Currency = Text("base_currency_code"),
            };
            if (!await store.InsertAsync(connection, cancellationToken))
            {
                throw new CliUsageException("a store with this consumer key is already stored ('magento-oauth stores remove' it first).");
            }

            await parse.InvocationConfiguration.Error.WriteLineAsync($"Verified and stored {connection.StoreBaseUrl} as {connection.Id}.");
            return CliApp.Success;
        });
        return command;
    }

    internal static JsonObject Describe(StoreConnection s) => new()
    {
        ["id"] = s.Id.ToString(),
        ["storeBaseUrl"] = s.StoreBaseUrl,
        ["consumerKey"] = s.ConsumerKey,
        ["status"] = Status(s),
        ["statusReason"] = s.StatusReason,
        ["step"] = s.Step.ToString(),
        ["storeName"] = s.StoreName,
        ["locale"] = s.Locale,
        ["currency"] = s.Currency,
        ["accountId"] = s.AccountId,
        ["receivedAt"] = s.ReceivedAt.ToString("O", CultureInfo.InvariantCulture),
        ["updatedAt"] = s.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
    };

    private static string Status(StoreConnection s) => s.Status.ToString().ToLowerInvariant();
}
