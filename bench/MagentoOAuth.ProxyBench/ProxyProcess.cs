using MagentoOAuth.Operations.Keys;
using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.ProxyBench;

/// <summary>
/// The proxy as its own process (this executable with <c>--proxy DIR</c>): the integration endpoint and the admin
/// listener's proxy over SQLite, as <c>serve</c> runs them. It prints its URL and a new API key, and answers
/// <c>GET /bench/memory</c> with its GC heap, so the load process can sample it.
/// </summary>
internal static class ProxyProcess
{
    public static async Task<int> RunAsync(string directory)
    {
        SqliteCredentialStore store = await SqliteCredentialStore.OpenAsync(Path.Combine(directory, "magento-oauth.db"),
            new SecretProtector(EncryptionKey.Resolve(null, Path.Combine(directory, "magento-oauth.key"))));
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddMagentoStorage(store);
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddMagentoIntegration(o =>
        {
            o.AllowPrivateStores = true;
            o.CallbackLimitPerAddress = 0;
        });
        builder.Services.AddMagentoOperations();
        WebApplication app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapMagentoIntegration();
        app.MapMagentoAdmin();
        app.MapGet("/bench/memory", (HttpContext _) =>
            Results.Text($"{GC.GetTotalMemory(forceFullCollection: false)} {GC.GetGCMemoryInfo().HeapSizeBytes} {Environment.WorkingSet}"));
        await app.StartAsync();
        string key = (await app.Services.GetRequiredService<ApiKeyService>().CreateAsync("bench", ApiKeyScope.Proxy, []))!.Value.Key;
        Console.WriteLine($"{app.Urls.First()} {key}");
        Console.Out.Flush();

        // Until the load process closes standard input (or dies).
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }
}
