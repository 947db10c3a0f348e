using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MagentoOAuth.Errors;
using MagentoOAuth.Exchange;
using MagentoOAuth.Signing;
using MagentoOAuth.AspNetCore;
using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

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
        var json = new Option<bool>("--json") { Description = "Print a JSON array (id, storeBaseUrl, consumerKey, status, statusReason, supersededBy, health, …) for scripts and jq; streamed page by page." };
        var status = new Option<string?>("--status") { Description = "Only stores with this status: pending, exchanging, active, failed, revoked or superseded." };
        var account = new Option<string?>("--account") { Description = "Only stores linked to this account of your app." };
        var search = new Option<string?>("--search") { Description = "Only stores whose URL, consumer key or name contains this text." };
        var command = new Command("list", "List the stores (oldest first): status is pending, exchanging, active, failed, revoked or superseded.") { db, keyFile, json, status, account, search };
        command.SetAction(async (parse, cancellationToken) =>
        {
            StoreStatus? wanted = null;
            if (parse.GetValue(status) is { } text)
            {
                wanted = Enum.TryParse(text, ignoreCase: true, out StoreStatus parsed) && Enum.IsDefined(parsed) && !int.TryParse(text, out _)
                    ? parsed
                    : throw new CliUsageException($"--status '{text}' is not one of pending, exchanging, active, failed, revoked, superseded.");
            }

            ICredentialStore store = await CliStore.OpenAsync(parse.GetValue(db), parse.GetValue(keyFile), cancellationToken);
            var query = new ConnectionQuery { Status = wanted, AccountId = parse.GetValue(account), Text = parse.GetValue(search), PageSize = 500 };
            TextWriter output = parse.InvocationConfiguration.Output;
            return parse.GetValue(json)
                ? await WriteJsonAsync(store, query, output, cancellationToken)
                : await WriteTableAsync(store, query, output, parse.InvocationConfiguration.Error, cancellationToken);
        });
        return command;
    }

    /// <summary>Every page in turn: memory stays that of one page, however many stores there are.</summary>
    private static async IAsyncEnumerable<StoreConnection> AllAsync(ICredentialStore store, ConnectionQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        do
        {
            ConnectionPage page = await store.ListAsync(query with { After = after }, cancellationToken);
            foreach (StoreConnection connection in page.Items)
            {
                yield return connection;
            }

            after = page.Next;
        }
        while (after is not null);
    }

    private static async Task<int> WriteJsonAsync(ICredentialStore store, ConnectionQuery query, TextWriter output, CancellationToken cancellationToken)
    {
        var options = new JsonSerializerOptions { WriteIndented = true };
        await output.WriteAsync("[");
        bool first = true;
        string? after = null;
        do
        {
            // Health is read per page, in one query for the page's stores.
            ConnectionPage page = await store.ListAsync(query with { After = after }, cancellationToken);
            IReadOnlyDictionary<Guid, StoreHealth> health = await HealthAsync(store, [.. page.Items.Select(s => s.Id)], cancellationToken);
            foreach (StoreConnection s in page.Items)
            {
                JsonObject described = Describe(s);
                described["health"] = DescribeHealth(health.GetValueOrDefault(s.Id));
                string item = described.ToJsonString(options);
                await output.WriteAsync((first ? "\n  " : ",\n  ") + item.Replace("\n", "\n  ", StringComparison.Ordinal));
                first = false;
            }

            after = page.Next;
        }
        while (after is not null);

        await output.WriteLineAsync(first ? "]" : "\n]");
        return CliApp.Success;
    }

    private static async Task<int> WriteTableAsync(ICredentialStore store, ConnectionQuery query, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        bool any = false;
        await foreach (StoreConnection s in AllAsync(store, query, cancellationToken))
        {
            if (!any)
            {
                await output.WriteLineAsync($"{"ID",-36}  {"STATUS",-10}  {"STORE",-40}  {"CONSUMER KEY",-8}  NAME");
                any = true;
            }

            await output.WriteLineAsync($"{s.Id,-36}  {TableStatus(s),-10}  {TerminalText.Safe(s.StoreBaseUrl),-40}  {SecretMask.Mask(s.ConsumerKey),-12}  {TerminalText.Safe(s.StoreName)}{(s.StatusReason is null ? string.Empty : "  — " + TerminalText.Safe(s.StatusReason))}");
        }

        if (!any)
        {
            await error.WriteLineAsync(query is { Status: null, AccountId: null, Text: null }
                ? $"No stores yet: run '{CliName.Command} serve' and activate an integration, or '{CliName.Command} stores add'."
                : "No stores match.");
        }

        return CliApp.Success;
    }

    private static Command Show()
    {
        var db = CliStore.DatabaseOption();
        var keyFile = CliStore.KeyFileOption();
        var reference = new Argument<string>("STORE") { Description = "A store id, consumer key or store base URL." };
        var command = new Command("show", "Show one store with its health (last success and failure, calls and failures in the last hour and day, availability) and its history: status changes and credential rotations (secrets are never shown).") { reference, db, keyFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            ICredentialStore store = await CliStore.OpenAsync(parse.GetValue(db), parse.GetValue(keyFile), cancellationToken);
            StoreConnection s = await CliStore.FindAsync(store, parse.GetRequiredValue(reference), cancellationToken);
            JsonObject described = Describe(s);
            described["accessToken"] = s.AccessToken is null ? null : SecretMask.Mask(s.AccessToken);
            described["health"] = DescribeHealth((await HealthAsync(store, [s.Id], cancellationToken)).GetValueOrDefault(s.Id));
            IReadOnlyList<HistoryEntry> history = await store.ListAsync(s.Id, 100, cancellationToken);
            described["history"] = new JsonArray(history.Select(h => (JsonNode)new JsonObject
            {
                ["at"] = h.At.ToString("O", CultureInfo.InvariantCulture),
                ["transition"] = JsonNamingPolicy.KebabCaseLower.ConvertName(h.Transition.ToString()),
                ["from"] = h.From?.ToString().ToLowerInvariant(),
                ["to"] = h.To.ToString().ToLowerInvariant(),
                ["reason"] = h.Reason,
                ["accessTokenFingerprint"] = h.AccessTokenFingerprint,
            }).ToArray());
            described["rotations"] = new JsonArray(history.Where(h => h.AccessTokenFingerprint is not null).Select(h => (JsonNode)new JsonObject
            {
                ["at"] = h.At.ToString("O", CultureInfo.InvariantCulture),
                ["reason"] = h.Transition == ConnectionTransition.Superseded ? "superseded" : "reauthorized",
                ["accessTokenFingerprint"] = h.AccessTokenFingerprint,
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
            await Lifecycle(store).RemoveAsync(s.Id, cancellationToken);
            await parse.InvocationConfiguration.Error.WriteLineAsync($"Removed {TerminalText.Safe(s.StoreBaseUrl)} ({s.Id}).");
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
                    await parse.InvocationConfiguration.Error.WriteLineAsync(Troubleshooting.Hint(error.Problem));
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
            if (!await Lifecycle(store).AddVerifiedAsync(connection, cancellationToken))
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
        ["accountLinkedAt"] = s.AccountLinkedAt?.ToString("O", CultureInfo.InvariantCulture),
        ["supersededBy"] = s.SupersededBy?.ToString(),
        ["createdAt"] = s.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
        ["receivedAt"] = s.ReceivedAt.ToString("O", CultureInfo.InvariantCulture),
        ["updatedAt"] = s.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
        ["unreadable"] = s.Unreadable,
        // The signer generation learned for the store's requests that are not portable (by a fallback or by doctor).
        ["signer"] = s.Profile == MagentoOAuth.Signing.SignatureProfile.Rfc5849 ? null : "g" + ((int)s.Profile).ToString(CultureInfo.InvariantCulture),
    };

    private static async Task<IReadOnlyDictionary<Guid, StoreHealth>> HealthAsync(ICredentialStore store, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        store is IStoreHealthStore health && ids.Count > 0 ? await health.FindHealthAsync(ids, cancellationToken) : new Dictionary<Guid, StoreHealth>();

    /// <summary>
    /// The signed calls' health as written by <c>serve</c> and <c>call</c> (every few seconds): last success, last
    /// failure with Magento's words, calls and failures in the last hour and day, the circuit's state.
    /// </summary>
    internal static JsonObject DescribeHealth(StoreHealth? h)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        (int callsHour, int failuresHour) = h?.CountSince(now, TimeSpan.FromHours(1)) ?? (0, 0);
        (int callsDay, int failuresDay) = h?.CountSince(now, TimeSpan.FromDays(1)) ?? (0, 0);
        return new JsonObject
        {
            ["lastSuccessAt"] = h?.LastSuccessAt?.ToString("O", CultureInfo.InvariantCulture),
            ["lastFailureAt"] = h?.LastFailureAt?.ToString("O", CultureInfo.InvariantCulture),
            ["lastFailure"] = h?.LastFailure,
            ["lastFailureStatus"] = h?.LastFailureStatus,
            ["callsLastHour"] = callsHour,
            ["failuresLastHour"] = failuresHour,
            ["callsLastDay"] = callsDay,
            ["failuresLastDay"] = failuresDay,
            ["availability"] = (h?.Availability ?? StoreAvailability.Unknown).ToString().ToLowerInvariant(),
            ["updatedAt"] = h?.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The library's lifecycle, as an app would construct it (no host): every change is validated and recorded there.</summary>
    private static ConnectionLifecycle Lifecycle(ICredentialStore store) =>
        new(store, store, Options.Create(new MagentoIntegrationOptions()), TimeProvider.System, NullLogger<ConnectionLifecycle>.Instance);

    // A row that cannot be decrypted shows so in the table (its stored status is kept in --json's "status").
    private static string TableStatus(StoreConnection s) => s.Unreadable ? "unreadable" : Status(s);

    private static string Status(StoreConnection s) => s.Status.ToString().ToLowerInvariant();
}
