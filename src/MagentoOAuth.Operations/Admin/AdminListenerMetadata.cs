namespace MagentoOAuth.Operations.Admin;

/// <summary>Marks an endpoint served only on the admin listener.</summary>
internal sealed class AdminListenerMetadata
{
    public static readonly AdminListenerMetadata Instance = new();
}

/// <summary>Marks an endpoint served on both listeners (<c>/healthz</c>).</summary>
public sealed class AnyListenerMetadata
{
    /// <summary>The one instance.</summary>
    public static readonly AnyListenerMetadata Instance = new();
}
