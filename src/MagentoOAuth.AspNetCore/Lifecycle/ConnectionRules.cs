using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Lifecycle;

/// <summary>The rules of a connection's life: which transitions exist, and which of two connections is the newer.</summary>
internal static class ConnectionRules
{
    /// <summary>
    /// Whether <paramref name="transition"/> may take a connection from <paramref name="from"/> to <paramref name="to"/>.
    /// A null transition is a change that is not a step in the life (exchange progress, a learned signer profile) and
    /// must keep the status. Nothing leaves <c>failed</c>, <c>revoked</c> or <c>superseded</c> but a new activation.
    /// </summary>
    public static bool IsAllowed(StoreStatus? from, StoreStatus to, ConnectionTransition? transition) => transition switch
    {
        null or ConnectionTransition.AccountLinked => from == to,
        ConnectionTransition.Received => from is null && to == StoreStatus.Pending,
        ConnectionTransition.Exchanging => from == StoreStatus.Pending && to == StoreStatus.Exchanging,
        ConnectionTransition.Activated => from is null or StoreStatus.Exchanging && to == StoreStatus.Active,
        ConnectionTransition.Failed => from is StoreStatus.Pending or StoreStatus.Exchanging && to == StoreStatus.Failed,
        ConnectionTransition.Revoked => from == StoreStatus.Active && to == StoreStatus.Revoked,
        ConnectionTransition.Superseded => from is StoreStatus.Active or StoreStatus.Exchanging && to == StoreStatus.Superseded,
        ConnectionTransition.Reauthorized => from is not null && to == StoreStatus.Pending,
        _ => false,
    };

    /// <summary>
    /// Supersession order: the later activation (the latest credential POST) is newer; the id breaks a tie, so every
    /// instance that compares the same two connections reaches the same answer.
    /// </summary>
    public static int CompareActivations(StoreConnection a, StoreConnection b)
    {
        int byTime = a.ReceivedAt.UtcTicks.CompareTo(b.ReceivedAt.UtcTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Id.ToString(), b.Id.ToString());
    }

    /// <summary>
    /// Two connections compete for a store when they name the same store base URL and the same account (or both none):
    /// two accounts of the hosting app may each connect the same store.
    /// </summary>
    public static bool Compete(StoreConnection a, StoreConnection b) =>
        a.Id != b.Id && string.Equals(a.StoreBaseUrl, b.StoreBaseUrl, StringComparison.Ordinal) && string.Equals(a.AccountId, b.AccountId, StringComparison.Ordinal);

    /// <summary>Whether Confirm may still link an account: within the window after the credential POST, once per activation.</summary>
    public static LinkCheck CanLink(StoreConnection connection, string accountId, DateTimeOffset now, TimeSpan window)
    {
        bool linkedThisActivation = connection.AccountLinkedAt is { } linked && linked >= connection.ReceivedAt;
        if (linkedThisActivation)
        {
            return string.Equals(connection.AccountId, accountId, StringComparison.Ordinal) ? LinkCheck.AlreadyLinked : LinkCheck.LinkedToAnother;
        }

        return now > connection.ReceivedAt + window ? LinkCheck.WindowClosed : LinkCheck.Allowed;
    }
}

/// <summary>What <see cref="ConnectionRules.CanLink"/> decided.</summary>
internal enum LinkCheck
{
    Allowed,
    AlreadyLinked,
    LinkedToAnother,
    WindowClosed,
}
