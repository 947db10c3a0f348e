using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Operations.Tests.Webhooks;

/// <summary>
/// A webhook receiver as an app would run it: a small Kestrel app on 127.0.0.1 that keeps every POST it answered 2xx
/// (raw body and headers), and can refuse each event's first attempt (503) to make the sender retry. It can be stopped
/// (connection refused) and started again on the same port: an outage.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<Delivery> _accepted = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly bool _refuseFirstAttempt;
    private WebApplication? _app;

    private WebhookReceiver(int port, bool refuseFirstAttempt)
    {
        Port = port;
        _refuseFirstAttempt = refuseFirstAttempt;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    /// <summary>Every accepted POST, in the order they were answered.</summary>
    public IReadOnlyList<Delivery> Accepted => [.. _accepted];

    /// <summary>POSTs seen per event id, refused ones included.</summary>
    public int AttemptsOf(string eventId) => _attempts.GetValueOrDefault(eventId);

    public static async Task<WebhookReceiver> StartAsync(bool refuseFirstAttempt = false)
    {
        var receiver = new WebhookReceiver(FreePort(), refuseFirstAttempt);
        await receiver.StartAsync();
        return receiver;
    }

    public async Task StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var delivery = new Delivery(
                buffer.ToArray(), context.Request.ContentType, context.Request.Headers["X-MagentoOAuth-Signature"].ToString(),
                context.Request.Headers["X-MagentoOAuth-Event-Id"].ToString(), context.Request.QueryString.Value ?? "");
            int attempt = _attempts.AddOrUpdate(delivery.EventIdHeader, 1, (_, n) => n + 1);
            if (_refuseFirstAttempt && attempt == 1)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            _accepted.Enqueue(delivery);
            return Results.NoContent();
        });
        await app.StartAsync();
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>The accepted events once each (the first delivery of every event id), in the order they arrived.</summary>
    public IReadOnlyList<Delivery> Distinct() => Accepted.DistinctBy(d => d.EventId).ToList();

    /// <summary>Waits (bounded) until <paramref name="done"/> holds for the distinct events.</summary>
    public async Task<IReadOnlyList<Delivery>> WaitForAsync(Func<IReadOnlyList<Delivery>, bool> done, TimeSpan patience, Func<string>? explain = null)
    {
        DateTime until = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < until)
        {
            IReadOnlyList<Delivery> events = Distinct();
            if (done(events))
            {
                return events;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The receiver did not get the expected events within {patience.TotalSeconds} s; it has: "
            + string.Join(", ", Distinct().Select(d => $"{d.StoreId[..8]}:{d.Type}")) + (explain is null ? "" : "\n" + explain()));
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>One POST as it arrived.</summary>
    internal sealed record Delivery(byte[] Body, string? ContentType, string Signature, string EventIdHeader, string Query)
    {
        private JsonObject Json => JsonNode.Parse(Body)!.AsObject();

        public string EventId => (string)Json["id"]!;

        public string Type => (string)Json["type"]!;

        public string StoreId => (string)Json["store"]!["id"]!;

        public JsonObject Store => Json["store"]!.AsObject();

        public string Text => Encoding.UTF8.GetString(Body);

        /// <summary>The signature checked here, with .NET's HMACSHA256 (not the sender's code).</summary>
        public bool SignedWith(string secret)
        {
            using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
            string expected = "sha256=" + string.Concat(hmac.ComputeHash(Body).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
            return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(Signature));
        }
    }
}
