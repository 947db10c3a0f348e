using System.Net;
using MagentoOAuth.Cli;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.EndToEnd.Tests;

/// <summary>
/// A hostile "store" on loopback that issues tokens without checking anything and then answers what it likes: megabytes
/// of store code, terminal escape sequences, bidirectional overrides. What is stored is capped and cleaned, and the
/// CLI prints nothing that a terminal would execute.
/// </summary>
public sealed class HostileStoreTests : EndToEndTestBase
{
    private const string Escapes = "\u001b[2J\u001b]0;pwned\u0007\u001b[31m";

    private static async Task<WebApplication> StartStoreAsync(string storeConfigs, int requestTokenStatus = 200, string? requestTokenBody = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication store = builder.Build();
        string Token() => Guid.NewGuid().ToString("N");
        store.MapPost("/oauth/token/request", (HttpContext c) => requestTokenStatus == 200
            ? Results.Text($"oauth_token={Token()}&oauth_token_secret={Token()}", "text/plain")
            : Results.Text(requestTokenBody, "application/json", statusCode: requestTokenStatus));
        store.MapPost("/oauth/token/access", () => Results.Text($"oauth_token={Token()}&oauth_token_secret={Token()}", "text/plain"));
        store.MapGet("/rest/V1/store/storeConfigs", () => Results.Text(storeConfigs, "application/json"));
        await store.StartAsync();
        return store;
    }

    private async Task<StoreConnection> ConnectAsync(WebApplication hostile, Func<StoreConnection, bool> done)
    {
        string key = Guid.NewGuid().ToString("N");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["oauth_consumer_key"] = key,
            ["oauth_consumer_secret"] = Guid.NewGuid().ToString("N"),
            ["oauth_verifier"] = Guid.NewGuid().ToString("N"),
            ["store_base_url"] = hostile.Urls.First() + "/",
        });
        using HttpResponseMessage response = await Http.PostAsync(new Uri(EndpointUrl + "/magento/callback"), form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await WaitForAsync(key, done);
    }

    private async Task<string> CliOutputAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CliApp.RunAsync([.. args, "--db", DatabasePath], output, error);
        Assert.True(exit == 0, error.ToString());
        return output + error.ToString();
    }

    private static void AssertPrintable(string text) =>
        Assert.DoesNotContain(text, c => (char.IsControl(c) && c is not '\n' and not '\r' and not '\t') || c is '\u202e' or '\u202d');

    [Fact]
    public async Task Escape_sequences_and_overlong_values_from_a_store_are_cleaned_capped_and_printed_safely()
    {
        string code = Escapes + "shop" + new string('x', 300_000);
        await using WebApplication hostile = await StartStoreAsync(
            $$"""[{"code":{{System.Text.Json.JsonSerializer.Serialize(code)}},"locale":"{{"\\u001b[31men_US" + new string('y', 5000)}}","base_currency_code":"USD\u202e"}]""");

        StoreConnection stored = await ConnectAsync(hostile, s => s.Status == StoreStatus.Active);

        Assert.InRange(stored.StoreName!.Length, 1, 100);
        Assert.InRange(stored.Locale!.Length, 1, 32);
        Assert.InRange(stored.Currency!.Length, 1, 32);
        foreach (string value in new[] { stored.StoreName, stored.Locale, stored.Currency })
        {
            AssertPrintable(value);
        }

        string list = await CliOutputAsync("stores", "list");
        string json = await CliOutputAsync("stores", "list", "--json");
        string show = await CliOutputAsync("stores", "show", stored.ConsumerKey);
        AssertPrintable(list);
        AssertPrintable(show);
        Assert.DoesNotContain("\u001b", json, StringComparison.Ordinal); // JSON escapes what it carries
        Assert.True(show.Length < 5000, $"stores show printed {show.Length} characters");
    }

    [Fact]
    public async Task A_five_megabyte_answer_is_not_read_and_a_huge_error_message_is_capped()
    {
        await using WebApplication huge = await StartStoreAsync($$"""[{"code":"{{new string('A', 5 * 1024 * 1024)}}"}]""");
        StoreConnection failed = await ConnectAsync(huge, s => s.Status == StoreStatus.Failed);
        Assert.Contains("answered more than 1024 kB", failed.StatusReason, StringComparison.Ordinal);
        Assert.Null(failed.StoreName);

        string message = Escapes + new string('m', 100_000);
        await using WebApplication talkative = await StartStoreAsync("[]", 400, $$"""{"message":{{System.Text.Json.JsonSerializer.Serialize(message)}}}""");
        StoreConnection refused = await ConnectAsync(talkative, s => s.Status == StoreStatus.Failed);
        Assert.InRange(refused.StatusReason!.Length, 1, 500);
        AssertPrintable(refused.StatusReason);

        string list = await CliOutputAsync("stores", "list");
        AssertPrintable(list);
        Assert.True(list.Length < 10_000, $"stores list printed {list.Length} characters");
    }
}
