using System.Collections.Concurrent;
using MagentoOAuth.AspNetCore.Health;
using MagentoOAuth.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace MagentoOAuth.AspNetCore.Tests.Health;

/// <summary>An in-memory health store that counts its batch writes and can be told to fail.</summary>
internal sealed class CountingHealthStore(InMemoryCredentialStore inner) : IStoreHealthStore
{
    public ConcurrentQueue<IReadOnlyCollection<StoreHealth>> Batches { get; } = new();

    public int FailuresToCome { get; set; }

    public Task SaveHealthAsync(IReadOnlyCollection<StoreHealth> batch, CancellationToken cancellationToken = default)
    {
        if (FailuresToCome > 0)
        {
            FailuresToCome--;
            throw new InvalidOperationException("the database is down");
        }

        Batches.Enqueue(batch);
        return inner.SaveHealthAsync(batch, cancellationToken);
    }

    public Task<IReadOnlyDictionary<Guid, StoreHealth>> FindHealthAsync(IReadOnlyCollection<Guid> connectionIds, CancellationToken cancellationToken = default) =>
        inner.FindHealthAsync(connectionIds, cancellationToken);
}

/// <summary>Records what the health handler reports.</summary>
internal sealed class RecordingRecorder : IStoreCallRecorder
{
    public ConcurrentQueue<(Guid Id, int? Status, string? Failure)> Calls { get; } = new();

    public void RecordCall(Guid connectionId, int? status, string? failure) => Calls.Enqueue((connectionId, status, failure));

    public void RecordAvailability(Guid connectionId, StoreAvailability availability)
    {
    }
}

/// <summary>Answers every request with what the test says.</summary>
internal sealed class StubHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer(request, cancellationToken);
}

internal static class HealthSetup
{
    public static readonly DateTimeOffset Noon = DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    public static StoreHealthTracker Tracker(FakeTimeProvider time, IStoreHealthStore? store)
    {
        var services = new ServiceCollection();
        if (store is not null)
        {
            services.AddSingleton(store);
        }

        return new StoreHealthTracker(services.BuildServiceProvider(), time, NullLogger<StoreHealthTracker>.Instance);
    }

    public static async Task<Guid> StoredConnectionAsync(InMemoryCredentialStore memory)
    {
        var c = new StoreConnection
        {
            Id = Guid.NewGuid(), StoreBaseUrl = "https://shop.example.com/", ConsumerKey = Guid.NewGuid().ToString("N"), ConsumerSecret = "cs",
            Status = StoreStatus.Active, ReceivedAt = Noon, UpdatedAt = Noon, CreatedAt = Noon,
        };
        Assert.True(await memory.InsertAsync(c));
        return c.Id;
    }

    /// <summary>Waits (bounded) for a condition another thread makes true.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        for (int i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), what);
    }
}
