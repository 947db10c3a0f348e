namespace MagentoOAuth.Operations;

/// <summary>Options of the admin listener's features (validated at start).</summary>
public sealed class MagentoOperationsOptions
{
    /// <summary>The admin listener's port: admin endpoints answer only on it, the public endpoint never on it. 0 before <c>serve</c> sets it.</summary>
    public int AdminPort { get; set; }
}
