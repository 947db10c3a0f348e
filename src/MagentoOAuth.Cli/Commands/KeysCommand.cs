using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MagentoOAuth.Operations.Keys;
using MagentoOAuth.Storage;

namespace MagentoOAuth.Cli.Commands;

/// <summary><c>magento-oauth keys create|list|revoke</c>: the API keys of serve's admin listener (proxy, dashboard, /metrics).</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var command = new Command("keys", "Create, list or revoke the API keys that the admin listener ('serve --admin-urls') requires as 'Authorization: Bearer KEY'. " +
            "Keys are stored hashed: a lost key cannot be shown again, only revoked and replaced.");
        command.Add(CreateKey());
        command.Add(List());
        command.Add(Revoke());
        return command;
    }

    private static Command CreateKey()
    {
        var db = CliStore.DatabaseOption();
        var keyFile = CliStore.KeyFileOption();
        var name = new Argument<string>("NAME") { Description = "A unique name for the key, e.g. the service that will use it: letters, digits, '.', '-', '_'." };
        var scope = new Option<string>("--scope")
        {
            Description = "proxy: call stores through /proxy/{STORE}/rest/… only. admin: also the dashboard and /metrics.",
            DefaultValueFactory = _ => "proxy",
        };
        scope.AcceptOnlyFromAmong("proxy", "admin");
        var stores = new Option<string[]>("--store") { Description = "Proxy keys only: only this store (an id, consumer key or store base URL; repeatable). Default: every store." };
        var command = new Command("create", "Create a key and print it once on standard output (nothing else goes there): " +
            "KEY=$(magento-oauth keys create etl --store https://shop.example.com/)") { name, scope, stores, db, keyFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string keyName = parse.GetRequiredValue(name);
            if (!ApiKeyService.IsValidName(keyName))
            {
                throw new CliUsageException($"the key name '{TerminalText.Safe(keyName)}' must be 1 to {ApiKeyService.MaxNameLength} letters, digits, '.', '-' or '_'.");
            }

            ApiKeyScope keyScope = parse.GetValue(scope) == "admin" ? ApiKeyScope.Admin : ApiKeyScope.Proxy;
            if (keyScope == ApiKeyScope.Admin && parse.GetValue(stores) is { Length: > 0 })
            {
                throw new CliUsageException("--store is for proxy keys: an admin key reaches every store (the dashboard and /metrics show the whole fleet).");
            }

            ICredentialStore store = await CliStore.OpenAsync(parse.GetValue(db), parse.GetValue(keyFile), cancellationToken);

            // A key follows the store, not one integration: a new integration or a Reauthorize for that URL stays in reach.
            var urls = new List<string>();
            foreach (string reference in parse.GetValue(stores) ?? [])
            {
                urls.Add((await CliStore.FindAsync(store, reference, cancellationToken)).StoreBaseUrl);
            }

            (ApiKey Stored, string Key)? created = await Service(store).CreateAsync(keyName, keyScope, urls, cancellationToken);
            if (created is not { } made)
            {
                throw new CliUsageException($"a key named '{keyName}' exists already ('{CliName.Command} keys list'); revoke it first or choose another name.");
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync(made.Key);
            string reach = urls.Count == 0 ? "every store" : string.Join(", ", urls.Select(TerminalText.Safe));
            await parse.InvocationConfiguration.Error.WriteLineAsync(
                $"Created the {ApiKeyClaims.ScopeText(keyScope)} key '{keyName}' for {reach}. It is shown only now; keep it in your secret store. " +
                $"Send it to the admin listener as 'Authorization: Bearer KEY'.");
            return CliApp.Success;
        });
        return command;
    }

    private static Command List()
    {
        var db = CliStore.DatabaseOption();
        var keyFile = CliStore.KeyFileOption();
        var json = new Option<bool>("--json") { Description = "Print a JSON array (name, scope, stores, createdAt, keyId) for scripts; never the key." };
        var command = new Command("list", "List the keys: name, scope, the stores each may reach, when it was created. Never the key itself.") { json, db, keyFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            ICredentialStore store = await CliStore.OpenAsync(parse.GetValue(db), parse.GetValue(keyFile), cancellationToken);
            IReadOnlyList<ApiKey> keys = await Service(store).ListAsync(cancellationToken);
            TextWriter output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                var array = new JsonArray(keys.Select(k => (JsonNode)new JsonObject
                {
                    ["name"] = k.Name,
                    ["scope"] = ApiKeyClaims.ScopeText(k.Scope),
                    ["stores"] = new JsonArray(k.Stores.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
                    ["createdAt"] = k.CreatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                    ["keyId"] = k.KeyId,
                }).ToArray());
                await output.WriteLineAsync(array.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return CliApp.Success;
            }

            if (keys.Count == 0)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"No API keys yet: '{CliName.Command} keys create NAME' makes one.");
                return CliApp.Success;
            }

            int width = Math.Max(4, keys.Max(k => k.Name.Length));
            await output.WriteLineAsync($"{"NAME".PadRight(width)}  SCOPE  CREATED               STORES");
            foreach (ApiKey k in keys)
            {
                string reach = k.Stores.Count == 0 ? "(every store)" : string.Join(' ', k.Stores.Select(TerminalText.Safe));
                await output.WriteLineAsync($"{k.Name.PadRight(width)}  {ApiKeyClaims.ScopeText(k.Scope),-5}  {k.CreatedAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z  {reach}");
            }

            return CliApp.Success;
        });
        return command;
    }

    private static Command Revoke()
    {
        var db = CliStore.DatabaseOption();
        var keyFile = CliStore.KeyFileOption();
        var name = new Argument<string>("NAME") { Description = "The key's name, as 'keys list' shows it." };
        var command = new Command("revoke", "Revoke a key: every instance refuses it from its next request on, and dashboard sessions opened with it end.") { name, db, keyFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            ICredentialStore store = await CliStore.OpenAsync(parse.GetValue(db), parse.GetValue(keyFile), cancellationToken);
            string keyName = parse.GetRequiredValue(name);
            if (!await Service(store).RevokeAsync(keyName, cancellationToken))
            {
                throw new CliUsageException($"no key named '{TerminalText.Safe(keyName)}' ('{CliName.Command} keys list' shows them).");
            }

            await parse.InvocationConfiguration.Error.WriteLineAsync($"Revoked '{keyName}'.");
            return CliApp.Success;
        });
        return command;
    }

    private static ApiKeyService Service(ICredentialStore store) =>
        new(store as IApiKeyStore ?? throw new CliUsageException("this database cannot hold API keys."), TimeProvider.System);
}
