using System.Data.Common;
using System.Globalization;
using System.Text;

namespace MagentoOAuth.Storage.Sql;

/// <summary>
/// Store health: one row per store, its slots serialised as text. A batch is added to what the rows hold
/// (read, combine, write back) in one transaction; each row carries a version, so two instances adding at once never
/// lose each other's counts: the one that finds a row changed since it read it starts the batch again.
/// </summary>
public abstract partial class SqlCredentialStore : IStoreHealthStore, IStoreStatusCounter
{
    private const string HealthColumns = "store_id, last_success_at, last_failure_at, last_failure, last_failure_status, availability, buckets, updated_at, version";

    // Ids per IN (…) list: far below both backends' parameter limits.
    private const int HealthChunk = 200;

    // A batch that keeps meeting rows changed under it gives up; the tracker keeps its counts and tries again later.
    private const int MaxHealthAttempts = 12;

    /// <inheritdoc />
    public async Task SaveHealthAsync(IReadOnlyCollection<StoreHealth> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        for (int attempt = 1; ; attempt++)
        {
            if (await TrySaveHealthAsync(batch, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            if (attempt == MaxHealthAttempts)
            {
                throw new InvalidOperationException($"Store health rows kept changing under {MaxHealthAttempts} attempts to add a batch of {batch.Count}.");
            }

            // Writers that met head-on spread out before the next try (instances write every few seconds, so this is rare).
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * attempt)), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> TrySaveHealthAsync(IReadOnlyCollection<StoreHealth> batch, CancellationToken cancellationToken)
    {
        using IDisposable? turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using DbConnection db = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using DbTransaction transaction = await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        Dictionary<Guid, (StoreHealth? Health, long Version)> stored = await ReadHealthAsync(db, transaction, batch.Select(h => h.ConnectionId).Distinct().ToList(), cancellationToken).ConfigureAwait(false);

        await using DbCommand insert = db.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"""
            INSERT INTO store_health ({HealthColumns})
            VALUES (@id, @success, @failureAt, @failure, @status, @availability, @buckets, @updated, 0)
            ON CONFLICT DO NOTHING
            """;
        await using DbCommand update = db.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = """
            UPDATE store_health SET last_success_at = @success, last_failure_at = @failureAt, last_failure = @failure, last_failure_status = @status,
                availability = @availability, buckets = @buckets, updated_at = @updated, version = version + 1
            WHERE store_id = @id AND version = @version
            """;
        foreach (StoreHealth added in batch)
        {
            if (!stored.TryGetValue(added.ConnectionId, out var row))
            {
                continue; // the store was removed meanwhile: its health goes with it
            }

            bool known = row.Health is not null;
            StoreHealth combined = StoreHealth.Combine(row.Health ?? new StoreHealth { ConnectionId = added.ConnectionId }, added);
            DbCommand command = known ? update : insert;
            command.Parameters.Clear();
            BindHealth(command, combined);
            if (known)
            {
                Add(command, "@version", row.Version);
            }

            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                // Another instance wrote this row after it was read: read again and combine with its counts.
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return false;
            }

            stored[added.ConnectionId] = (combined, known ? row.Version + 1 : 0);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<Guid, StoreHealth>> FindHealthAsync(IReadOnlyCollection<Guid> connectionIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionIds);
        if (connectionIds.Count == 0)
        {
            return new Dictionary<Guid, StoreHealth>();
        }

        await using DbConnection db = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        Dictionary<Guid, (StoreHealth? Health, long Version)> rows = await ReadHealthAsync(db, null, connectionIds.Distinct().ToList(), cancellationToken).ConfigureAwait(false);
        return rows.Where(r => r.Value.Health is not null).ToDictionary(r => r.Key, r => r.Value.Health!);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<StoreStatus, long>> CountByStatusAsync(CancellationToken cancellationToken = default)
    {
        await using DbConnection db = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using DbCommand command = db.CreateCommand();
        command.CommandText = "SELECT status, COUNT(*) FROM stores GROUP BY status";
        var counts = new Dictionary<StoreStatus, long>();
        await using DbDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts[(StoreStatus)Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture)] = Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture);
        }

        return counts;
    }

    /// <summary>The stored connections among <paramref name="ids"/>, each with its health row if it has one (null if not).</summary>
    private static async Task<Dictionary<Guid, (StoreHealth? Health, long Version)>> ReadHealthAsync(DbConnection db, DbTransaction? transaction, List<Guid> ids, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<Guid, (StoreHealth?, long)>();
        for (int offset = 0; offset < ids.Count; offset += HealthChunk)
        {
            await using DbCommand command = db.CreateCommand();
            command.Transaction = transaction;
            var names = new List<string>();
            foreach (Guid id in ids.Skip(offset).Take(HealthChunk))
            {
                string name = "@p" + names.Count.ToString(CultureInfo.InvariantCulture);
                names.Add(name);
                Add(command, name, id.ToString());
            }

            command.CommandText = $"""
                SELECT s.id, h.last_success_at, h.last_failure_at, h.last_failure, h.last_failure_status, h.availability, h.buckets, h.updated_at, h.version
                FROM stores s LEFT JOIN store_health h ON h.store_id = s.id WHERE s.id IN ({string.Join(", ", names)})
                """;
            await using DbDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = Guid.Parse(r.GetString(0));
                if (r.IsDBNull(7))
                {
                    rows[id] = (null, 0);
                    continue;
                }

                string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
                var health = new StoreHealth
                {
                    ConnectionId = id,
                    LastSuccessAt = Text(1) is { } success ? ParseTime(success) : null,
                    LastFailureAt = Text(2) is { } failure ? ParseTime(failure) : null,
                    LastFailure = Text(3),
                    LastFailureStatus = r.IsDBNull(4) ? null : Int(r.GetValue(4)),
                    Availability = (StoreAvailability)Int(r.GetValue(5)),
                    Buckets = ParseBuckets(r.GetString(6)),
                    UpdatedAt = ParseTime(r.GetString(7)),
                };
                rows[id] = (health, Convert.ToInt64(r.GetValue(8), CultureInfo.InvariantCulture));
            }
        }

        return rows;
    }

    private static void BindHealth(DbCommand command, StoreHealth h)
    {
        Add(command, "@id", h.ConnectionId.ToString());
        Add(command, "@success", h.LastSuccessAt is { } success ? Time(success) : null);
        Add(command, "@failureAt", h.LastFailureAt is { } failure ? Time(failure) : null);
        Add(command, "@failure", h.LastFailure);
        Add(command, "@status", h.LastFailureStatus);
        Add(command, "@availability", (int)h.Availability);
        Add(command, "@buckets", FormatBuckets(h.Buckets));
        Add(command, "@updated", Time(h.UpdatedAt));
    }

    /// <summary>
    /// Slots as <c>slot:calls:failures</c> joined by <c>;</c>, where slot is the slot's start in
    /// <see cref="StoreHealth.BucketLength"/> units since the Unix epoch: a day of five-minute slots is at most 288
    /// entries of about 14 characters.
    /// </summary>
    internal static string FormatBuckets(IReadOnlyList<HealthBucket> buckets)
    {
        var text = new StringBuilder(buckets.Count * 14);
        foreach (HealthBucket b in buckets)
        {
            long slot = (b.Start - DateTimeOffset.UnixEpoch).Ticks / StoreHealth.BucketLength.Ticks;
            text.Append(text.Length == 0 ? "" : ";").Append(CultureInfo.InvariantCulture, $"{slot}:{b.Calls}:{b.Failures}");
        }

        return text.ToString();
    }

    internal static IReadOnlyList<HealthBucket> ParseBuckets(string text)
    {
        var buckets = new List<HealthBucket>();
        foreach (string entry in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = entry.Split(':');
            if (parts.Length == 3
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long slot)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int calls)
                && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int failures))
            {
                buckets.Add(new HealthBucket(DateTimeOffset.UnixEpoch + (StoreHealth.BucketLength * slot), calls, failures));
            }
        }

        return buckets;
    }
}
