using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace MagentoOAuth.Sandbox.Tests;

/// <summary>An app's Callback URL on a free loopback port: records each credential POST Magento makes.</summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<Dictionary<string, string>> _posts = Channel.CreateUnbounded<Dictionary<string, string>>();

    private CallbackReceiver(WebApplication app) => _app = app;

    public string CallbackUrl => _app.Urls.First() + "/magento/callback";

    public string IdentityLinkUrl => _app.Urls.First() + "/magento/identity";

    public int AnswerStatus { get; set; } = 200;

    public static async Task<CallbackReceiver> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        var receiver = new CallbackReceiver(app);
        app.MapPost("/magento/callback", async context =>
        {
            IFormCollection form = await context.Request.ReadFormAsync();
            await receiver._posts.Writer.WriteAsync(form.ToDictionary(f => f.Key, f => f.Value.ToString()));
            context.Response.StatusCode = receiver.AnswerStatus;
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>The next POST, waiting at most 10 s.</summary>
    public async Task<Dictionary<string, string>> NextPostAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _posts.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>How many POSTs arrived that no one has read yet.</summary>
    public int Unread => _posts.Reader.Count;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
