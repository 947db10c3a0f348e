using MagentoOAuth.AspNetCore.Health;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static MagentoOAuth.AspNetCore.Tests.Health.HealthSetup;

namespace MagentoOAuth.AspNetCore.Tests.Health;

public sealed class StoreHealthTrackerTests
{
    private readonly FakeTimeProvider _time = new(Noon);
    private readonly InMemoryCredentialStore _memory = new();

    [Fact]
    public async Task Calls_fill_five_minute_slots_that_roll_over_and_count_by_hour_and_day()
    {
        StoreHealthTracker tracker = Tracker(_time, store: null); // memory only: it keeps the whole day itself
        Guid id = Guid.NewGuid();
        for (int i = 0; i < 3; i++)
        {
            tracker.RecordCall(id, 200, null);
        }

        _time.Advance(TimeSpan.FromMinutes(4.9));
        tracker.RecordCall(id, 503, "HTTP 503: down"); // still the first slot
        _time.Advance(TimeSpan.FromMinutes(0.2));
        tracker.RecordCall(id, 200, null);             // the next one
        _time.Advance(TimeSpan.FromHours(2));
        tracker.RecordCall(id, 200, null);

        StoreHealth h = (await tracker.GetAsync([id]))[id];
        Assert.Equal([new HealthBucket(Noon, 4, 1), new HealthBucket(Noon.AddMinutes(5), 1, 0), new HealthBucket(StoreHealth.SlotOf(_time.GetUtcNow()), 1, 0)], h.Buckets);
        Assert.Equal((1, 0), h.CountSince(_time.GetUtcNow(), TimeSpan.FromHours(1)));
        Assert.Equal((6, 1), h.CountSince(_time.GetUtcNow(), TimeSpan.FromDays(1)));

        // A day later the old slots are gone from memory too.
        _time.Advance(TimeSpan.FromHours(23));
        tracker.RecordCall(id, 200, null);
        h = (await tracker.GetAsync([id]))[id];
        Assert.Equal((2, 0), h.CountSince(_time.GetUtcNow(), TimeSpan.FromDays(1)));
        Assert.All(h.Buckets, b => Assert.True(b.Start > Noon.AddMinutes(5)));
    }

    [Fact]
    public async Task The_last_failure_keeps_its_message_and_status_and_a_later_success_does_not_erase_it()
    {
        StoreHealthTracker tracker = Tracker(_time, store: null);
        Guid id = Guid.NewGuid();
        tracker.RecordCall(id, 200, null);
        _time.Advance(TimeSpan.FromSeconds(10));
        tracker.RecordCall(id, 401, "HTTP 401: The signature is invalid. Verify and try again.");
        _time.Advance(TimeSpan.FromSeconds(10));
        tracker.RecordCall(id, 200, null);
        tracker.RecordAvailability(id, StoreAvailability.Available);

        StoreHealth h = (await tracker.GetAsync([id, Guid.NewGuid()])).Single().Value;

        Assert.Equal(Noon.AddSeconds(20), h.LastSuccessAt);
        Assert.Equal(Noon.AddSeconds(10), h.LastFailureAt);
        Assert.Equal(401, h.LastFailureStatus);
        Assert.Equal("HTTP 401: The signature is invalid. Verify and try again.", h.LastFailure);
        Assert.Equal(StoreAvailability.Available, h.Availability);
    }

    [Fact]
    public async Task The_writer_writes_one_batch_per_interval_however_many_calls()
    {
        var store = new CountingHealthStore(_memory);
        StoreHealthTracker tracker = Tracker(_time, store);
        Guid a = await StoredConnectionAsync(_memory), b = await StoredConnectionAsync(_memory);
        var options = Options.Create(new MagentoIntegrationOptions { HealthWriteInterval = TimeSpan.FromSeconds(5) });
        using var writer = new StoreHealthWriter(tracker, options, _time);
        await writer.StartAsync(default);

        for (int i = 0; i < 1000; i++)
        {
            tracker.RecordCall(i % 2 == 0 ? a : b, i % 10 == 0 ? 500 : 200, i % 10 == 0 ? "HTTP 500: boom" : null); // every failure is a's
        }

        Assert.Empty(store.Batches);
        _time.Advance(TimeSpan.FromSeconds(5));
        await EventuallyAsync(() => store.Batches.Count == 1, "one batch after the first interval");
        IReadOnlyCollection<StoreHealth> first = Assert.Single(store.Batches);
        Assert.Equal(2, first.Count);
        Assert.Equal(1000, first.Sum(h => h.CountSince(_time.GetUtcNow(), TimeSpan.FromHours(1)).Calls));

        // An idle interval writes nothing; the next call is in the next batch.
        _time.Advance(TimeSpan.FromSeconds(5));
        tracker.RecordCall(a, 200, null);
        _time.Advance(TimeSpan.FromSeconds(5));
        await EventuallyAsync(() => store.Batches.Count == 2, "a second batch for the one new call");
        await writer.StopAsync(default);

        Assert.Equal(2, store.Batches.Count);
        Assert.Equal((1, 0), Assert.Single(store.Batches.Last()).CountSince(_time.GetUtcNow(), TimeSpan.FromHours(1)));
        StoreHealth stored = (await _memory.FindHealthAsync([a]))[a];
        Assert.Equal((501, 100), stored.CountSince(_time.GetUtcNow(), TimeSpan.FromHours(1)));
        Assert.Equal("HTTP 500: boom", stored.LastFailure);
    }

    [Fact]
    public async Task A_failed_write_keeps_the_counts_for_the_next_one()
    {
        var store = new CountingHealthStore(_memory) { FailuresToCome = 1 };
        StoreHealthTracker tracker = Tracker(_time, store);
        Guid id = await StoredConnectionAsync(_memory);
        tracker.RecordCall(id, 503, "HTTP 503: down");

        Assert.Equal(0, await tracker.FlushAsync(default));
        tracker.RecordCall(id, 200, null);
        Assert.Equal((2, 1), (await tracker.GetAsync([id]))[id].CountSince(_time.GetUtcNow(), TimeSpan.FromHours(1)));
        Assert.Equal(1, await tracker.FlushAsync(default));

        StoreHealth stored = (await _memory.FindHealthAsync([id]))[id];
        Assert.Equal((2, 1), stored.CountSince(_time.GetUtcNow(), TimeSpan.FromHours(1)));
        Assert.Equal("HTTP 503: down", stored.LastFailure);
        Assert.Equal(0, await tracker.FlushAsync(default));
    }

    [Fact]
    public async Task Stopping_the_writer_and_disposing_the_tracker_write_what_is_left()
    {
        var store = new CountingHealthStore(_memory);
        StoreHealthTracker tracker = Tracker(_time, store);
        Guid id = await StoredConnectionAsync(_memory);
        using (var writer = new StoreHealthWriter(tracker, Options.Create(new MagentoIntegrationOptions()), _time))
        {
            await writer.StartAsync(default);
            tracker.RecordCall(id, 200, null);
            await writer.StopAsync(default);
        }

        Assert.Single(store.Batches);
        tracker.RecordCall(id, 200, null);
        await tracker.DisposeAsync();

        Assert.Equal(2, store.Batches.Count);
        Assert.Equal((2, 0), (await _memory.FindHealthAsync([id]))[id].CountSince(_time.GetUtcNow(), TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task Two_instances_over_one_database_add_their_counts_and_each_sees_the_sum()
    {
        var store = new CountingHealthStore(_memory);
        StoreHealthTracker first = Tracker(_time, store), second = Tracker(_time, store);
        Guid id = await StoredConnectionAsync(_memory);
        for (int i = 0; i < 3; i++)
        {
            first.RecordCall(id, 200, null);
        }

        second.RecordCall(id, 500, "HTTP 500: boom");
        await first.FlushAsync(default);
        second.RecordCall(id, 200, null);

        // The second has not written yet: it shows the database's 3 plus its own 2.
        Assert.Equal((5, 1), (await second.GetAsync([id]))[id].CountSince(_time.GetUtcNow(), TimeSpan.FromHours(1)));
        Assert.Equal((3, 0), (await first.GetAsync([id]))[id].CountSince(_time.GetUtcNow(), TimeSpan.FromHours(1)));
        await second.FlushAsync(default);
        Assert.Equal((5, 1), (await first.GetAsync([id]))[id].CountSince(_time.GetUtcNow(), TimeSpan.FromHours(1)));
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(11)]
    public void A_write_interval_out_of_range_is_refused_at_start(double seconds)
    {
        var result = new MagentoIntegrationOptionsValidator().Validate(null, new MagentoIntegrationOptions { HealthWriteInterval = TimeSpan.FromSeconds(seconds * (seconds > 10 ? 60 : 1)) });
        Assert.True(result.Failed);
        Assert.Contains("HealthWriteInterval", result.FailureMessage, StringComparison.Ordinal);
    }
}
