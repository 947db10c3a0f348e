using System.Net;
using System.Net.Sockets;
using MagentoOAuth.Cli.Commands;
using MagentoOAuth.Operations.Keys;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations.Tests.Telemetry;

/// <summary><c>serve --admin-urls</c> as the command composes it (<see cref="ServeCommand.Build"/>), over an in-memory store on 127.0.0.1.</summary>
internal sealed record AdminHost(WebApplication App, string PublicUrl, string AdminUrl) : IAsyncDisposable
{
    public static async Task<AdminHost> StartAsync(InMemoryCredentialStore store, Action<MagentoOperationsOptions>? operations = null)
    {
        int adminPort = FreePort();
        string adminUrl = $"http://127.0.0.1:{adminPort}";
        AdminListener admin = AdminListener.Parse(adminUrl, "http://127.0.0.1:0", allowPublic: false) with { Configure = operations };
        WebApplication app = ServeCommand.Build(store, "http://127.0.0.1:0", o =>
        {
            o.AllowPrivateStores = true;
            o.RetryDelay = TimeSpan.FromMilliseconds(100);

            // One attempt per call, so each injected fault is one failed call (retries are the proxy tests' subject).
            o.Resilience.MaxRetries = 0;
            o.MaxUnfinishedPerStoreHost = 1000;
            o.CallbackLimitPerAddress = 0;
        }, LogLevel.Warning, admin: admin);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new AdminHost(app, app.Urls.First(u => !u.EndsWith($":{adminPort}", StringComparison.Ordinal)), adminUrl);
    }

    public async Task<string> KeyAsync(ApiKeyScope scope) =>
        (await App.Services.GetRequiredService<ApiKeyService>().CreateAsync("key-" + Guid.NewGuid().ToString("N")[..8], scope, []))!.Value.Key;

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
