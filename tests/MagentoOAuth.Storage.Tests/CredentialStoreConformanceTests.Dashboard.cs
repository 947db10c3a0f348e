namespace MagentoOAuth.Storage.Tests;

public abstract partial class CredentialStoreConformanceTests
{
    [Fact]
    public async Task The_dashboard_reads_rotations_and_the_stores_waiting_for_a_Reauthorize()
    {
        ICredentialStore store = await CreateStoreAsync();
        var dashboard = (IDashboardStore)store;
        DateTimeOffset at = DateTimeOffset.Parse("2026-12-04T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        StoreConnection revoked = NewConnection(status: StoreStatus.Revoked) with { AccessToken = "at", AccessTokenSecret = "ats", UpdatedAt = at.AddMinutes(3) };
        StoreConnection askedFor = NewConnection(status: StoreStatus.Failed) with { StatusReason = "Consumer expired. Click REAUTHORIZE in the Magento admin.", UpdatedAt = at.AddMinutes(2) };
        StoreConnection hadTokens = NewConnection(status: StoreStatus.Failed) with { AccessToken = "at", AccessTokenSecret = "ats", StatusReason = "Verification refused.", UpdatedAt = at.AddMinutes(1) };
        StoreConnection forged = NewConnection(status: StoreStatus.Failed) with { StatusReason = "Consumer key has expired." };
        StoreConnection active = NewConnection(status: StoreStatus.Active) with { AccessToken = "at", AccessTokenSecret = "ats", StatusReason = "Reauthorized in the Magento admin." };
        foreach (StoreConnection c in new[] { revoked, askedFor, hadTokens, forged, active })
        {
            Assert.True(await store.InsertAsync(c));
        }

        Assert.Equal([revoked.Id, askedFor.Id, hadTokens.Id], (await dashboard.ListNeedingReauthorizeAsync(10)).Select(c => c.Id));
        Assert.Equal([revoked.Id, askedFor.Id], (await dashboard.ListNeedingReauthorizeAsync(2)).Select(c => c.Id));

        await store.AddAsync(new HistoryEntry(active.Id, at, ConnectionTransition.Received, null, StoreStatus.Pending, null));
        await store.AddAsync(new HistoryEntry(active.Id, at.AddMinutes(1), ConnectionTransition.Activated, StoreStatus.Exchanging, StoreStatus.Active, null));
        await store.AddAsync(new HistoryEntry(active.Id, at.AddDays(1), ConnectionTransition.Reauthorized, StoreStatus.Active, StoreStatus.Pending, null, "fp1"));
        await store.AddAsync(new HistoryEntry(active.Id, at.AddDays(1).AddMinutes(1), ConnectionTransition.Activated, StoreStatus.Exchanging, StoreStatus.Active, null));
        await store.AddAsync(new HistoryEntry(active.Id, at.AddDays(2), ConnectionTransition.Reauthorized, StoreStatus.Active, StoreStatus.Pending, null, "fp2"));
        await store.AddAsync(new HistoryEntry(active.Id, at.AddDays(3), ConnectionTransition.AccountLinked, StoreStatus.Active, StoreStatus.Active, null));
        await store.AddAsync(new HistoryEntry(revoked.Id, at, ConnectionTransition.Revoked, StoreStatus.Active, StoreStatus.Revoked, null));

        IReadOnlyDictionary<Guid, CredentialSummary> summaries = await dashboard.SummarizeCredentialsAsync([active.Id, revoked.Id, forged.Id]);
        Assert.Equal(new CredentialSummary(2, at.AddDays(2)), summaries[active.Id]);
        Assert.Equal(new CredentialSummary(0, null), summaries[revoked.Id]);
        Assert.False(summaries.ContainsKey(forged.Id)); // no history
        Assert.Empty(await dashboard.SummarizeCredentialsAsync([]));
    }
}
