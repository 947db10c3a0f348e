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
