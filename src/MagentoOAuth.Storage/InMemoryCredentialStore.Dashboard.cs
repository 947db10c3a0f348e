namespace MagentoOAuth.Storage;

public sealed partial class InMemoryCredentialStore : IDashboardStore
{
    /// <inheritdoc />
    Task<IReadOnlyDictionary<Guid, CredentialSummary>> IDashboardStore.SummarizeCredentialsAsync(IReadOnlyCollection<Guid> connectionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectionIds);
        var wanted = connectionIds.ToHashSet();
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyDictionary<Guid, CredentialSummary>>(_history.Where(h => wanted.Contains(h.ConnectionId)).GroupBy(h => h.ConnectionId).ToDictionary(
                g => g.Key,
                g => new CredentialSummary(
                    g.Count(h => h.Transition == ConnectionTransition.Reauthorized),
                    g.Where(h => h.Transition is ConnectionTransition.Activated or ConnectionTransition.Reauthorized).Select(h => (DateTimeOffset?)h.At).Max())));
        }
    }

    /// <inheritdoc />
    Task<IReadOnlyList<StoreConnection>> IDashboardStore.ListNeedingReauthorizeAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<StoreConnection>>(_connections.Values.Where(ReauthorizeRule.Needs)
                .OrderByDescending(c => c.UpdatedAt).ThenBy(c => c.Id.ToString(), StringComparer.Ordinal).Take(limit).ToList());
        }
    }
}
