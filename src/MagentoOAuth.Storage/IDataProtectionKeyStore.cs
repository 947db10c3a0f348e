namespace MagentoOAuth.Storage;

/// <summary>
/// Keeps ASP.NET Core Data Protection's key ring in the shared database, so instances behind one load balancer can
/// read each other's antiforgery tokens. Elements are stored encrypted, like every secret here.
/// </summary>
public interface IDataProtectionKeyStore
{
    /// <summary>Every stored key element (XML text).</summary>
    Task<IReadOnlyList<string>> ListDataProtectionKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores one key element under <paramref name="name"/> (kept if already present).</summary>
    Task StoreDataProtectionKeyAsync(string name, string xml, CancellationToken cancellationToken = default);
}
