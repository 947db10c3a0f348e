using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations.Tests.Webhooks;

/// <summary>A receiver that answers every POST with a 302 to another URL, counting them.</summary>
internal sealed class RedirectingReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private RedirectingReceiver(WebApplication app) => _app = app;

    public string Url => _app.Urls.First() + "/moved";

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<RedirectingReceiver> StartAsync(string target)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var receiver = new RedirectingReceiver(app);
        app.MapPost("/moved", () =>
        {
            Interlocked.Increment(ref receiver._requests);
            return Results.Redirect(target, permanent: false, preserveMethod: true);
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
