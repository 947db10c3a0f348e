namespace MagentoOAuth.Storage;

public sealed partial class InMemoryCredentialStore : IEventOutbox
{
    private readonly List<OutboxRow> _outbox = [];
    private long _outboxSequence;

    /// <inheritdoc />
    public Task<bool> InsertWithEventAsync(StoreConnection connection, OutboxEvent outboxEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(outboxEvent);
        lock (_lock)
        {
            // One lock holds both writes: the event is stored exactly when the row is.
            return Task.FromResult(!HasEvent(outboxEvent.EventId) && Insert(connection) && Enqueue(outboxEvent));
        }
    }

    /// <inheritdoc />
    public Task<bool> UpdateWithEventAsync(StoreConnection connection, long expectedVersion, OutboxEvent outboxEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(outboxEvent);
        lock (_lock)
        {
            return Task.FromResult(!HasEvent(outboxEvent.EventId) && Update(connection, expectedVersion) && Enqueue(outboxEvent));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxEvent>> ClaimDueEventsAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_lock)
        {
            // The head of each store: its oldest undelivered event (rows are kept in sequence order).
            var heads = new Dictionary<Guid, OutboxRow>();
            foreach (OutboxRow row in _outbox.Where(r => r.DeliveredAt is null))
            {
                heads.TryAdd(row.Event.StoreId, row);
            }

            var claimed = new List<OutboxEvent>();
            foreach (OutboxRow row in heads.Values.Where(r => r.NextAttemptAt <= now && (r.ClaimedUntil is null || r.ClaimedUntil < now))
                .OrderBy(r => r.Event.Sequence).Take(limit))
            {
                row.ClaimedBy = owner;
                row.ClaimedUntil = leaseUntil;
                row.Attempts++;
                claimed.Add(row.Event with { Attempts = row.Attempts });
            }

            return Task.FromResult<IReadOnlyList<OutboxEvent>>(claimed);
        }
    }

    /// <inheritdoc />
    public Task MarkEventDeliveredAsync(long sequence, DateTimeOffset deliveredAt, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_outbox.Find(r => r.Event.Sequence == sequence) is { DeliveredAt: null } row)
            {
                row.DeliveredAt = deliveredAt;
                row.ClaimedBy = null;
                row.ClaimedUntil = null;
                row.LastError = null;
            }

            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task RetryEventLaterAsync(long sequence, string owner, DateTimeOffset nextAttemptAt, string lastError, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        lock (_lock)
        {
            if (_outbox.Find(r => r.Event.Sequence == sequence) is { DeliveredAt: null } row && row.ClaimedBy == owner)
            {
                row.NextAttemptAt = nextAttemptAt;
                row.LastError = lastError;
                row.ClaimedBy = null;
                row.ClaimedUntil = null;
            }

            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task<int> DeleteDeliveredEventsAsync(DateTimeOffset deliveredBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_lock)
        {
            var doomed = _outbox.Where(r => r.DeliveredAt < deliveredBefore).OrderBy(r => r.DeliveredAt).Take(limit).ToHashSet();
            _outbox.RemoveAll(doomed.Contains);
            return Task.FromResult(doomed.Count);
        }
    }

    private bool HasEvent(Guid eventId) => _outbox.Exists(r => r.Event.EventId == eventId);

    private bool Enqueue(OutboxEvent outboxEvent)
    {
        _outbox.Add(new OutboxRow(outboxEvent with { Sequence = ++_outboxSequence, Attempts = 0 }) { NextAttemptAt = outboxEvent.CreatedAt });
        return true;
    }

    private sealed class OutboxRow(OutboxEvent outboxEvent)
    {
        public OutboxEvent Event { get; } = outboxEvent;

        public int Attempts { get; set; }

        public DateTimeOffset NextAttemptAt { get; set; }

        public DateTimeOffset? DeliveredAt { get; set; }

        public string? LastError { get; set; }

        public string? ClaimedBy { get; set; }

        public DateTimeOffset? ClaimedUntil { get; set; }
    }
}
