namespace MagentoOAuth.Storage;

/// <summary>Whether calls to a store get through right now: the state of its circuit.</summary>
public enum StoreAvailability
{
    /// <summary>No call was made since the process started (or ever).</summary>
    Unknown = 0,

    /// <summary>Calls go through (circuit closed).</summary>
    Available = 1,

    /// <summary>After failures, a trial call decides (circuit half-open).</summary>
    Probing = 2,

    /// <summary>Calls fail fast after repeated 5xx or timeouts (circuit open).</summary>
    Unavailable = 3,
}

/// <summary>Calls and failures in one time slot of a store's health.</summary>
/// <param name="Start">The slot's start (UTC, a multiple of <see cref="StoreHealth.BucketLength"/>).</param>
/// <param name="Calls">Signed calls made in it.</param>
/// <param name="Failures">Of those, the ones that failed (5xx, timeout, refused by Magento as unauthorized).</param>
public readonly record struct HealthBucket(DateTimeOffset Start, int Calls, int Failures);

/// <summary>
/// How a store's signed calls went: last success, last failure with Magento's message, calls and failures per
/// <see cref="BucketLength"/> slot over the last day, and its availability. Never holds a secret or a query value.
/// </summary>
public sealed record StoreHealth
{
    /// <summary>The slot length of <see cref="Buckets"/>.</summary>
    public static readonly TimeSpan BucketLength = TimeSpan.FromMinutes(5);

    /// <summary>The connection.</summary>
    public required Guid ConnectionId { get; init; }

    /// <summary>When a call last succeeded.</summary>
    public DateTimeOffset? LastSuccessAt { get; init; }

    /// <summary>When a call last failed.</summary>
    public DateTimeOffset? LastFailureAt { get; init; }

    /// <summary>Why it failed: Magento's message, or the cause (capped, no secrets, no query values).</summary>
    public string? LastFailure { get; init; }

    /// <summary>The HTTP status of the last failure, when there was an answer.</summary>
    public int? LastFailureStatus { get; init; }

    /// <summary>The store's circuit state, as last seen.</summary>
    public StoreAvailability Availability { get; init; }

    /// <summary>Calls per slot, oldest first, covering at most the last day.</summary>
    public IReadOnlyList<HealthBucket> Buckets { get; init; } = [];

    /// <summary>When this record was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>How far back <see cref="Buckets"/> reach.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    /// <summary>
    /// What two records of one store say together (what the database holds and what one instance counted since its
    /// last write): calls and failures summed per slot, the later last success and last failure, the availability of
    /// the later update; slots older than <see cref="Retention"/> before the later update are dropped.
    /// </summary>
    /// <param name="first">One record.</param>
    /// <param name="second">The other, of the same connection.</param>
    public static StoreHealth Combine(StoreHealth first, StoreHealth second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.ConnectionId != second.ConnectionId)
        {
            throw new ArgumentException("The records are of different connections.", nameof(second));
        }

        (StoreHealth older, StoreHealth newer) = second.UpdatedAt >= first.UpdatedAt ? (first, second) : (second, first);
        DateTimeOffset from = newer.UpdatedAt - Retention;
        var slots = new SortedDictionary<DateTimeOffset, (int Calls, int Failures)>();
        foreach (HealthBucket bucket in older.Buckets.Concat(newer.Buckets))
        {
            if (bucket.Start + BucketLength > from)
            {
                (int calls, int failures) = slots.GetValueOrDefault(bucket.Start);
                slots[bucket.Start] = (calls + bucket.Calls, failures + bucket.Failures);
            }
        }

        bool newerFailure = newer.LastFailureAt is { } n && (older.LastFailureAt is not { } o || n >= o);
        StoreHealth failure = newerFailure || older.LastFailureAt is null ? newer : older;
        return new StoreHealth
        {
            ConnectionId = newer.ConnectionId,
            LastSuccessAt = Later(older.LastSuccessAt, newer.LastSuccessAt),
            LastFailureAt = failure.LastFailureAt,
            LastFailure = failure.LastFailure,
            LastFailureStatus = failure.LastFailureStatus,
            Availability = newer.Availability == StoreAvailability.Unknown ? older.Availability : newer.Availability,
            Buckets = [.. slots.Select(s => new HealthBucket(s.Key, s.Value.Calls, s.Value.Failures))],
            UpdatedAt = newer.UpdatedAt,
        };
    }

    /// <summary>The start of the slot <paramref name="time"/> falls in.</summary>
    /// <param name="time">A moment.</param>
    public static DateTimeOffset SlotOf(DateTimeOffset time)
    {
        long ticks = time.UtcTicks - (time.UtcTicks % BucketLength.Ticks);
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    /// <summary>Calls and failures in the <paramref name="window"/> up to <paramref name="now"/>.</summary>
    /// <param name="now">The present.</param>
    /// <param name="window">How far back (an hour, a day).</param>
    public (int Calls, int Failures) CountSince(DateTimeOffset now, TimeSpan window)
    {
        DateTimeOffset from = now - window;
        int calls = 0, failures = 0;
        foreach (HealthBucket bucket in Buckets)
        {
            if (bucket.Start + BucketLength > from && bucket.Start <= now)
            {
                calls += bucket.Calls;
                failures += bucket.Failures;
            }
        }

        return (calls, failures);
    }
}
