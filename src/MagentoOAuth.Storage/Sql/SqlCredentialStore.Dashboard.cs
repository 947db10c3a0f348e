using System.Data.Common;

namespace MagentoOAuth.Storage.Sql;

public abstract partial class SqlCredentialStore : IDashboardStore
{
    // The needing-Reauthorize condition, with "status IN (3, 4)" AND-ed on its own so the partial index of step 10 serves it.
    private string NeedingReauthorize =>
        $"status IN ({(int)StoreStatus.Failed}, {(int)StoreStatus.Revoked}) AND (status = {(int)StoreStatus.Revoked} OR access_token IS NOT NULL OR status_reason {CaseInsensitiveLike} '%{ReauthorizeRule.ReasonMarker}%')";

    /// <inheritdoc />
    async Task<IReadOnlyDictionary<Guid, CredentialSummary>> IDashboardStore.SummarizeCredentialsAsync(IReadOnlyCollection<Guid> connectionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectionIds);
        var summaries = new Dictionary<Guid, CredentialSummary>();
        if (connectionIds.Count == 0)
        {
            return summaries;
        }

        // One query per page, served by history_by_store (store_id, id): a page's rows, not the table's.
        await using DbConnection db = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using DbCommand command = db.CreateCommand();
        var names = new List<string>();
        foreach (Guid id in connectionIds.Distinct())
        {
            string name = "@s" + names.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            names.Add(name);
            Add(command, name, id.ToString());
        }

        command.CommandText = $"""
            SELECT store_id, SUM(CASE WHEN transition = {(int)ConnectionTransition.Reauthorized} THEN 1 ELSE 0 END),
                MAX(CASE WHEN transition IN ({(int)ConnectionTransition.Activated}, {(int)ConnectionTransition.Reauthorized}) THEN at END)
            FROM history WHERE store_id IN ({string.Join(", ", names)}) GROUP BY store_id
            """;
        await using DbDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            summaries[Guid.Parse(r.GetString(0))] = new CredentialSummary(Int(r.GetValue(1)), r.IsDBNull(2) ? null : ParseTime(r.GetString(2)));
        }

        return summaries;
    }

    /// <inheritdoc />
    Task<IReadOnlyList<StoreConnection>> IDashboardStore.ListNeedingReauthorizeAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return QueryAsync($"SELECT {Columns} FROM stores WHERE {NeedingReauthorize} ORDER BY updated_at DESC, {OrdinalId} LIMIT @limit", c => Add(c, "@limit", limit), cancellationToken);
    }
}
