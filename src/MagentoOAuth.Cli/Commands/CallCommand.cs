using System.CommandLine;
using System.Text;
using System.Text.Json;
using MagentoOAuth.Errors;
using MagentoOAuth.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace MagentoOAuth.Cli.Commands;

/// <summary><c>magento-oauth call STORE METHOD PATH</c>: one signed REST call; the answer on standard output.</summary>
internal static class CallCommand
{
    public static Command Create()
    {
        var reference = new Argument<string>("STORE") { Description = "A store id, consumer key or store base URL." };
        var method = new Argument<string>("METHOD") { Description = "GET, POST, PUT, DELETE or PATCH." };
        var path = new Argument<string>("PATH") { Description = "Relative to the store's REST root, e.g. '/V1/products?searchCriteria[pageSize]=5' or '/default/V1/orders?searchCriteria='." };
        var data = new Option<string?>("--data") { Description = "A JSON body, or @file to read it from a file." };
        var query = new Option<string[]>("--query") { Description = "A query parameter NAME=VALUE, encoded for you (repeatable)." };
        var db = CliStore.DatabaseOption();
        var keyFile = CliStore.KeyFileOption();
        var command = new Command("call", "Make a signed REST call to a connected store. The answer goes to standard output (pretty on a terminal, " +
            "raw when piped, e.g. into jq); Magento's refusals go to standard error with a cause and a fix, and the exit code is 1.")
        {
            reference, method, path, data, query, db, keyFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string verb = parse.GetRequiredValue(method).ToUpperInvariant();
            if (verb is not ("GET" or "POST" or "PUT" or "DELETE" or "PATCH"))
            {
                throw new CliUsageException($"unknown method '{parse.GetValue(method)}'; use GET, POST, PUT, DELETE or PATCH.");
            }

            string relative = parse.GetRequiredValue(path).TrimStart('/');
            var extra = new StringBuilder();
            foreach (string pair in parse.GetValue(query) ?? [])
            {
                int equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw new CliUsageException($"--query '{pair}' must be NAME=VALUE.");
                }

                extra.Append(extra.Length == 0 && !relative.Contains('?', StringComparison.Ordinal) ? '?' : '&')
                    .Append(Uri.EscapeDataString(pair[..equals])).Append('=').Append(Uri.EscapeDataString(pair[(equals + 1)..]));
            }

            string? body = parse.GetValue(data);
            if (body is not null && body.StartsWith('@'))
            {
                string file = body[1..];
                body = File.Exists(file) ? await File.ReadAllTextAsync(file, cancellationToken) : throw new CliUsageException($"--data file '{file}' does not exist.");
            }

            if (body is not null)
            {
                try
                {
                    using JsonDocument _ = JsonDocument.Parse(body);
                }
                catch (JsonException e)
                {
                    throw new CliUsageException("--data is not valid JSON: " + e.Message);
                }
            }

            ICredentialStore store = await CliStore.OpenAsync(parse.GetValue(db), parse.GetValue(keyFile), cancellationToken);
            StoreConnection connection = await CliStore.FindAsync(store, parse.GetRequiredValue(reference), cancellationToken);
            if (connection.Status != StoreStatus.Active)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"magento-oauth: the store {connection.StoreBaseUrl} is {connection.Status.ToString().ToLowerInvariant()}, not active: {connection.StatusReason}");
                return CliApp.Failure;
            }

            var (client, services) = StoreClient.Create(connection, store);
            await using ServiceProvider provider = services;
            using HttpClient signed = client;
            using var request = new HttpRequestMessage(new HttpMethod(verb), relative + extra);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            HttpResponseMessage response;
            try
            {
                response = await signed.SendAsync(request, cancellationToken);
            }
            catch (MagentoOAuthException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("magento-oauth: " + e.Message);
                await parse.InvocationConfiguration.Error.WriteLineAsync(Troubleshooting.Hint(e.Problem));
                return CliApp.Failure;
            }

            using HttpResponseMessage answer = response;
            string text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                MagentoOAuthException error = MagentoErrorParser.FromBody((int)response.StatusCode, text, response.Content.Headers.ContentType, $"{verb} {connection.StoreBaseUrl}rest/{relative.Split('?')[0]}");
                await parse.InvocationConfiguration.Error.WriteLineAsync("magento-oauth: " + error.Message);
                await parse.InvocationConfiguration.Error.WriteLineAsync(Troubleshooting.Hint(error.Problem));
                return CliApp.Failure;
            }

            TextWriter output = parse.InvocationConfiguration.Output;
            bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            await output.WriteLineAsync(terminal ? Pretty(text) : text);
            return CliApp.Success;
        });
        return command;
    }

    private static string Pretty(string json)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                document.RootElement.WriteTo(writer);
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
