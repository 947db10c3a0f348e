using MagentoOAuth.Operations.Keys;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations.Tests.Telemetry;

/// <summary>
/// The endpoint with the admin features over an in-memory store on 127.0.0.1, as <c>serve</c> composes them (until
/// serve's admin listener lands: one listener, no port guard).
/// </summary>
internal static class AdminHost
{
    public static async Task<WebApplication> StartAsync(InMemoryCredentialStore store, Action<MagentoOperationsOptions>? operations = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddMagentoStorage(store);
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddMagentoIntegration(o =>
        {
            o.AllowPrivateStores = true;
            o.RetryDelay = TimeSpan.FromMilliseconds(100);
            o.MaxUnfinishedPerStoreHost = 1000;
            o.CallbackLimitPerAddress = 0;
        });
        builder.Services.AddMagentoOperations(operations);
        WebApplication app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapMagentoIntegration();
        app.MapMagentoAdmin();
        await app.StartAsync();
        return app;
    }

    public static async Task<string> KeyAsync(WebApplication app, ApiKeyScope scope) =>
        (await app.Services.GetRequiredService<ApiKeyService>().CreateAsync("key-" + Guid.NewGuid().ToString("N")[..8], scope, []))!.Value.Key;
}
