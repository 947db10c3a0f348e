namespace MagentoOAuth.Storage;

/// <summary>What an API key of the admin listener may do.</summary>
public enum ApiKeyScope
{
    /// <summary>Call stores through the signing proxy (<c>/proxy/{store}/rest/…</c>), nothing else.</summary>
    Proxy = 0,

    /// <summary>Everything on the admin listener: the dashboard, <c>/metrics</c>, and the proxy.</summary>
    Admin = 1,
}

/// <summary>
/// A stored API key: never the key itself, only the SHA-256 hash of its secret part (the key is 256 random bits, so a
/// fast hash is enough: there is nothing to guess). <see cref="KeyId"/> is the key's public part, used to find the row.
/// </summary>
public sealed record ApiKey
{
    /// <summary>The name the operator gave it (unique), shown in lists and logs.</summary>
    public required string Name { get; init; }

    /// <summary>The key's public id (the part after <c>mok_</c> and before the secret), unique.</summary>
    public required string KeyId { get; init; }

    /// <summary>Lower-case hex SHA-256 of the key's secret part.</summary>
    public required string SecretHash { get; init; }

    /// <summary>What the key may do.</summary>
    public ApiKeyScope Scope { get; init; }

    /// <summary>The store base URLs the key may reach through the proxy; empty for every store.</summary>
    public IReadOnlyList<string> Stores { get; init; } = [];

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"ApiKey {Name} ({Scope}, {(Stores.Count == 0 ? "every store" : $"{Stores.Count} store(s)")})";
}
