namespace MagentoOAuth.Storage;

/// <summary>
/// Everything a storage backend provides: connection records, exchange leases and history (and, for SQL backends, the
/// Data Protection key ring). Components depend on the narrow interfaces; the DI registrations
/// (<c>AddMagentoSqliteStorage</c>, <c>AddMagentoPostgreSqlStorage</c>) register one backend as all of them.
/// </summary>
public interface ICredentialStore : IConnectionStore, IExchangeLeaseStore, IConnectionHistory
{
}
