namespace MagentoOAuth.Storage;

/// <summary>What happened to each connection: status changes and credential rotations, oldest first. Never a secret.</summary>
public interface IConnectionHistory
{
    /// <summary>Records one entry.</summary>
    Task AddAsync(HistoryEntry entry, CancellationToken cancellationToken = default);

    /// <summary>A connection's entries, oldest first (at most <paramref name="limit"/>, the newest ones).</summary>
    Task<IReadOnlyList<HistoryEntry>> ListAsync(Guid connectionId, int limit = 100, CancellationToken cancellationToken = default);
}

/// <summary>One step in a connection's life.</summary>
/// <param name="ConnectionId">The connection.</param>
/// <param name="At">When.</param>
/// <param name="Transition">What happened.</param>
/// <param name="From">The status before (null when the connection was created).</param>
/// <param name="To">The status after.</param>
/// <param name="Reason">Why, in plain words (no secret).</param>
/// <param name="AccessTokenFingerprint">For a rotation or replacement: a short SHA-256 prefix of the access token that stopped being used.</param>
public sealed record HistoryEntry(Guid ConnectionId, DateTimeOffset At, ConnectionTransition Transition, StoreStatus? From, StoreStatus To, string? Reason, string? AccessTokenFingerprint = null);

/// <summary>The transitions of a connection's life.</summary>
public enum ConnectionTransition
{
    /// <summary>Magento posted new credentials (a new integration).</summary>
    Received = 0,

    /// <summary>The token exchange started.</summary>
    Exchanging = 1,

    /// <summary>The tokens were verified; the connection is active.</summary>
    Activated = 2,

    /// <summary>The exchange could not finish.</summary>
    Failed = 3,

    /// <summary>Magento stopped accepting the access token.</summary>
    Revoked = 4,

    /// <summary>A newer connection for the same store and account took over.</summary>
    Superseded = 5,

    /// <summary>The merchant clicked Reauthorize: new verifier, new tokens to come; the old access token is gone.</summary>
    Reauthorized = 6,

    /// <summary>The connection was linked to an account of the hosting app.</summary>
    AccountLinked = 7,
}
