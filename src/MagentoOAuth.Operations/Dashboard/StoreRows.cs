using MagentoOAuth.AspNetCore.Health;
using MagentoOAuth.Storage;

namespace MagentoOAuth.Operations.Dashboard;

/// <summary>One store as the dashboard shows it: the connection, its health, and what its history says about its credentials.</summary>
internal sealed record StoreRow(StoreConnection Connection, StoreHealth? Health, int Rotations, DateTimeOffset CredentialsIssuedAt);

/// <summary>
/// Adds health and credential history to a page of connections with one read each, whatever the page size: the health
/// monitor's batch read, and the storage's batch summary of history (or, for a backend without it, one history read
/// per row, bounded by the page size).
/// </summary>
internal sealed class StoreRows(IStoreHealthMonitor health, IConnectionHistory history)
{
    public async Task<IReadOnlyList<StoreRow>> LoadAsync(IReadOnlyList<StoreConnection> connections, CancellationToken cancellationToken)
    {
        if (connections.Count == 0)
        {
            return [];
        }

        Guid[] ids = [.. connections.Select(c => c.Id)];
        IReadOnlyDictionary<Guid, StoreHealth> healths = await health.GetAsync(ids, cancellationToken).ConfigureAwait(false);
        IReadOnlyDictionary<Guid, CredentialSummary> summaries = await SummarizeAsync(ids, cancellationToken).ConfigureAwait(false);
        return [.. connections.Select(c =>
        {
            CredentialSummary summary = summaries.GetValueOrDefault(c.Id);
            return new StoreRow(c, healths.GetValueOrDefault(c.Id), summary.Rotations, summary.IssuedAt ?? c.ReceivedAt);
        })];
    }

    private async Task<IReadOnlyDictionary<Guid, CredentialSummary>> SummarizeAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        if (history is IDashboardStore dashboard)
        {
            return await dashboard.SummarizeCredentialsAsync(ids, cancellationToken).ConfigureAwait(false);
        }

        var summaries = new Dictionary<Guid, CredentialSummary>();
        foreach (Guid id in ids)
        {
            IReadOnlyList<HistoryEntry> entries = await history.ListAsync(id, 100, cancellationToken).ConfigureAwait(false);
            summaries[id] = new CredentialSummary(
                entries.Count(e => e.Transition == ConnectionTransition.Reauthorized),
                entries.Where(e => e.Transition is ConnectionTransition.Activated or ConnectionTransition.Reauthorized).Select(e => (DateTimeOffset?)e.At).Max());
        }

        return summaries;
    }
}
