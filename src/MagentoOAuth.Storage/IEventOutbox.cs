namespace MagentoOAuth.Storage;

/// <summary>
/// A transactional outbox of lifecycle events (webhooks): an event is written in the same transaction as the connection
/// row change it describes, so a crash between the two loses nothing and invents nothing; a dispatcher then claims due
/// events with a lease and marks them delivered. Events of one store are handed out in order: only a store's oldest
/// undelivered event is ever due. Implemented by the SQL backends and <see cref="InMemoryCredentialStore"/>.
/// </summary>
public interface IEventOutbox
{
    /// <summary>
    /// <see cref="IConnectionStore.InsertAsync"/> and, in the same transaction, <paramref name="outboxEvent"/>: both are
    /// stored or neither. False (and no event) when the connection's id or consumer key is already stored.
    /// </summary>
    /// <param name="connection">The new connection.</param>
    /// <param name="outboxEvent">The event describing it.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task<bool> InsertWithEventAsync(StoreConnection connection, OutboxEvent outboxEvent, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="IConnectionStore.UpdateAsync"/> and, in the same transaction, <paramref name="outboxEvent"/>: both are
    /// stored or neither. False (and no event) on a version conflict, a taken consumer key or an event id stored already.
    /// </summary>
    /// <param name="connection">The changed connection.</param>
    /// <param name="expectedVersion">The version the change was decided on.</param>
    /// <param name="outboxEvent">The event describing the change.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task<bool> UpdateWithEventAsync(StoreConnection connection, long expectedVersion, OutboxEvent outboxEvent, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="limit"/> due events for <paramref name="owner"/> until <paramref name="leaseUntil"/>:
    /// undelivered, next attempt at or before <paramref name="now"/>, not claimed by a live lease, and the oldest
    /// undelivered event of their store (so at most one per store). Each claim counts as an attempt. Oldest first.
    /// </summary>
    /// <param name="owner">The claiming dispatcher.</param>
    /// <param name="now">The time.</param>
    /// <param name="leaseUntil">When the claim lapses if the owner neither delivers nor reschedules.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    Task<IReadOnlyList<OutboxEvent>> ClaimDueEventsAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default);

    /// <summary>Marks an event delivered (whoever holds its claim: it arrived); its store's next event becomes due.</summary>
    /// <param name="sequence">The event's <see cref="OutboxEvent.Sequence"/>.</param>
    /// <param name="deliveredAt">When.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task MarkEventDeliveredAsync(long sequence, DateTimeOffset deliveredAt, CancellationToken cancellationToken = default);

    /// <summary>Releases <paramref name="owner"/>'s claim on an undelivered event and makes it due again at <paramref name="nextAttemptAt"/>.</summary>
    /// <param name="sequence">The event's <see cref="OutboxEvent.Sequence"/>.</param>
    /// <param name="owner">The dispatcher that claimed it.</param>
    /// <param name="nextAttemptAt">When to try again.</param>
    /// <param name="lastError">What went wrong (no secret), kept for the operator.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task RetryEventLaterAsync(long sequence, string owner, DateTimeOffset nextAttemptAt, string lastError, CancellationToken cancellationToken = default);

    /// <summary>Deletes up to <paramref name="limit"/> events delivered before <paramref name="deliveredBefore"/>; returns how many.</summary>
    /// <param name="deliveredBefore">The retention's cut-off.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    Task<int> DeleteDeliveredEventsAsync(DateTimeOffset deliveredBefore, int limit, CancellationToken cancellationToken = default);
}

/// <summary>One event in the outbox.</summary>
/// <param name="EventId">The event's id (receivers de-duplicate by it).</param>
/// <param name="StoreId">The connection it is about; events of one connection are delivered in order.</param>
/// <param name="CreatedAt">When it happened.</param>
/// <param name="Payload">The body to deliver, exactly (JSON; never a secret).</param>
public sealed record OutboxEvent(Guid EventId, Guid StoreId, DateTimeOffset CreatedAt, string Payload)
{
    /// <summary>The outbox's order (assigned when stored; 0 before).</summary>
    public long Sequence { get; init; }

    /// <summary>Delivery attempts so far, this claim included.</summary>
    public int Attempts { get; init; }
}
