using System.Collections.Concurrent;
using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace MagentoOAuth.AspNetCore.Tests;

/// <summary>A lifecycle over an in-memory store with a fake clock, recording every event it raises.</summary>
internal sealed class LifecycleFixture
{
    public LifecycleFixture(Func<InMemoryCredentialStore, IConnectionStore>? wrap = null, Action<MagentoIntegrationOptions>? configure = null)
    {
        Options = new MagentoIntegrationOptions();
        Options.Events.OnStatusChanged = c =>
        {
            Events.Enqueue(c);
            return Task.CompletedTask;
        };
        configure?.Invoke(Options);
        Connections = wrap?.Invoke(Memory) ?? Memory;
        Lifecycle = new ConnectionLifecycle(Connections, Memory, Microsoft.Extensions.Options.Options.Create(Options), Time, NullLogger<ConnectionLifecycle>.Instance);
    }

    public InMemoryCredentialStore Memory { get; } = new();

    public IConnectionStore Connections { get; }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public MagentoIntegrationOptions Options { get; }

    public ConnectionLifecycle Lifecycle { get; }

    public ConcurrentQueue<StatusChangedContext> Events { get; } = new();

    public static string Key() => Guid.NewGuid().ToString("N");

    /// <summary>Receives credentials and walks them through the exchange to verified (each step through the lifecycle).</summary>
    public async Task<StoreConnection> ConnectAsync(string store = "https://shop.example.com/", string? key = null, string? secret = null)
    {
        ReceiveResult received = await Lifecycle.ReceiveAsync(new ReceivedCredentials(key ?? Key(), secret ?? Key(), Key(), store));
        return await VerifyAsync(await ExchangeAsync(received.Connection!));
    }

    public async Task<StoreConnection> ExchangeAsync(StoreConnection received)
    {
        StoreConnection step1 = (await Lifecycle.AdvanceAsync(received, c => c with { Step = ExchangeStep.RequestToken, RequestToken = "rt", RequestTokenSecret = "rts" }, default))!;
        return (await Lifecycle.AdvanceAsync(step1, c => c with { Step = ExchangeStep.AccessToken, AccessToken = Key(), AccessTokenSecret = Key(), RequestToken = null, RequestTokenSecret = null }, default))!;
    }

    public async Task<StoreConnection> VerifyAsync(StoreConnection exchanged) =>
        (await Lifecycle.ActivateAsync(exchanged, c => c with { Step = ExchangeStep.Verified }, default))!;
}
