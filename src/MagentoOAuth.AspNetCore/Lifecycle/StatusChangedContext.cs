using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Lifecycle;

/// <summary>One transition of a connection, as passed to <see cref="MagentoIntegrationEvents.OnStatusChanged"/> (once per transition, after it was stored).</summary>
public sealed class StatusChangedContext
{
    internal StatusChangedContext(StoreConnection connection, StoreStatus? oldStatus, ConnectionTransition transition, string? reason, CancellationToken cancellationToken)
    {
        Connection = connection;
        OldStatus = oldStatus;
        Transition = transition;
        Reason = reason;
        CancellationToken = cancellationToken;
    }

    /// <summary>The connection as stored after the transition.</summary>
    public StoreConnection Connection { get; }

    /// <summary>The status before (null when the connection was created by this transition).</summary>
    public StoreStatus? OldStatus { get; }

    /// <summary>The status after.</summary>
    public StoreStatus NewStatus => Connection.Status;

    /// <summary>What happened.</summary>
    public ConnectionTransition Transition { get; }

    /// <summary>Why, in plain words (no secret).</summary>
    public string? Reason { get; }

    /// <summary>Cancelled when the operation that made the transition is cancelled (a request aborted, the host stopping).</summary>
    public CancellationToken CancellationToken { get; }
}
