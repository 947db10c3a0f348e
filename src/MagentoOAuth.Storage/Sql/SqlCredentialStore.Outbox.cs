using System.Data.Common;
using System.Globalization;

namespace MagentoOAuth.Storage.Sql;

/// <summary>The webhook outbox (<see cref="IEventOutbox"/>): an event and its row change share one transaction.</summary>
public abstract partial class SqlCredentialStore : IEventOutbox
{
    private const string OutboxColumns = "sequence, event_id, store_id, created_at, payload, attempts";

    /// <inheritdoc />
    public Task<bool> InsertWithEventAsync(StoreConnection connection, OutboxEvent outboxEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return WriteWithEventAsync(InsertSql, command => BindInsert(command, connection), outboxEvent, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UpdateWithEventAsync(StoreConnection connection, long expectedVersion, OutboxEvent outboxEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return WriteWithEventAsync(UpdateSql, command => BindUpdate(command, connection, expectedVersion), outboxEvent, cancellationToken);
    }

    /// <summary>The row change, then the event, committed together; any refusal rolls both back.</summary>
    private async Task<bool> WriteWithEventAsync(string rowSql, Action<DbCommand> bindRow, OutboxEvent outboxEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outboxEvent);
        using IDisposable? turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using DbConnection db = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using DbTransaction transaction = await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using (DbCommand row = db.CreateCommand())
            {
                row.Transaction = transaction;
                row.CommandText = rowSql;
                bindRow(row);
                if (await row.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                {
                    await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                    return false;
                }
            }

            await using (DbCommand insert = db.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO outbox (event_id, store_id, created_at, payload, attempts, next_attempt_at)
                    VALUES (@event, @store, @created, @payload, 0, @created)
                    """;
                Add(insert, "@event", outboxEvent.EventId.ToString());
                Add(insert, "@store", outboxEvent.StoreId.ToString());
                Add(insert, "@created", Time(outboxEvent.CreatedAt));
                Add(insert, "@payload", outboxEvent.Payload);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            // A taken consumer key or event id: nothing of the change is stored, as after a version conflict.
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxEvent>> ClaimDueEventsAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);

        // The outer conditions repeat the claimable test: PostgreSQL re-checks them (not the subquery's) on a row another
        // instance claimed meanwhile, so of two dispatchers racing for an event one gets it.
        const string Claimable = "delivered_at IS NULL AND (claimed_until IS NULL OR claimed_until < @now)";
        var claimed = new List<OutboxEvent>();
        using IDisposable? turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using DbConnection db = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using DbCommand command = db.CreateCommand();
        command.CommandText = $"""
            UPDATE outbox SET claimed_by = @owner, claimed_until = @until, attempts = attempts + 1
            WHERE {Claimable} AND sequence IN (
                SELECT o.sequence FROM outbox o
                WHERE o.delivered_at IS NULL AND o.next_attempt_at <= @now AND (o.claimed_until IS NULL OR o.claimed_until < @now)
                    AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.store_id = o.store_id AND e.delivered_at IS NULL AND e.sequence < o.sequence)
                ORDER BY o.sequence LIMIT @limit)
            RETURNING {OutboxColumns}
            """;
        Add(command, "@owner", owner);
        Add(command, "@now", Time(now));
        Add(command, "@until", Time(leaseUntil));
        Add(command, "@limit", limit);
        await using DbDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claimed.Add(new OutboxEvent(Guid.Parse(r.GetString(1)), Guid.Parse(r.GetString(2)), ParseTime(r.GetString(3)), r.GetString(4))
            {
                Sequence = Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture),
                Attempts = Int(r.GetValue(5)),
            });
        }

        // RETURNING gives no order.
        claimed.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return claimed;
    }

    /// <inheritdoc />
    public Task MarkEventDeliveredAsync(long sequence, DateTimeOffset deliveredAt, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE outbox SET delivered_at = @at, claimed_by = NULL, claimed_until = NULL, last_error = NULL WHERE sequence = @sequence AND delivered_at IS NULL",
            c =>
            {
                Add(c, "@at", Time(deliveredAt));
                Add(c, "@sequence", sequence);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task RetryEventLaterAsync(long sequence, string owner, DateTimeOffset nextAttemptAt, string lastError, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return ExecuteAsync("""
            UPDATE outbox SET next_attempt_at = @next, last_error = @error, claimed_by = NULL, claimed_until = NULL
            WHERE sequence = @sequence AND claimed_by = @owner AND delivered_at IS NULL
            """,
            c =>
            {
                Add(c, "@next", Time(nextAttemptAt));
                Add(c, "@error", lastError);
                Add(c, "@sequence", sequence);
                Add(c, "@owner", owner);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> DeleteDeliveredEventsAsync(DateTimeOffset deliveredBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return ExecuteAsync("""
            DELETE FROM outbox WHERE sequence IN
                (SELECT sequence FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < @before ORDER BY delivered_at LIMIT @limit)
            """,
            c =>
            {
                Add(c, "@before", Time(deliveredBefore));
                Add(c, "@limit", limit);
            },
            cancellationToken);
    }
}
