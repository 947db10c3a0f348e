using System.Security.Cryptography;
using System.Text;
using MagentoOAuth.Signing;
using MagentoOAuth.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.AspNetCore.Lifecycle;

/// <summary>
/// The one owner of connection state. Every change of a connection goes through here: the callback, the exchange worker,
/// the client handlers, the identity page and the CLI. Each change is checked against <see cref="ConnectionRules"/>,
/// stored with one optimistic-concurrency retry loop, written to the history, logged once, and reported once to
/// <see cref="MagentoIntegrationEvents.OnStatusChanged"/> (a throwing handler is logged and changes nothing).
/// </summary>
public sealed partial class ConnectionLifecycle
{
    // A change re-reads and re-decides after a version conflict; more conflicts than this on one row means something
    // else is rewriting it in a loop, and the caller is told rather than spun.
    private const int MaxAttempts = 8;

    private readonly IConnectionStore _connections;

    // Set when the backend has an outbox and webhooks asked for events: transitions are then stored with their event
    // in one transaction. A wrapper of the store (as tests make) has none, and the lifecycle works as before.
    private readonly IEventOutbox? _outbox;
    private readonly IConnectionHistory _history;
    private readonly MagentoIntegrationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the lifecycle over the storage (one per app: <c>AddMagentoIntegration</c> registers it).</summary>
    /// <param name="connections">The connection records.</param>
    /// <param name="history">Where transitions are recorded.</param>
    /// <param name="options">The endpoint's options (events, link window).</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The log.</param>
    public ConnectionLifecycle(IConnectionStore connections, IConnectionHistory history, IOptions<MagentoIntegrationOptions> options, TimeProvider time, ILogger<ConnectionLifecycle> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _connections = connections ?? throw new ArgumentNullException(nameof(connections));
        _history = history ?? throw new ArgumentNullException(nameof(history));
        _options = options.Value;
        _outbox = _options.RecordEvents ? connections as IEventOutbox : null;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Raised in-process after every stored change (caches of credentials listen).</summary>
    internal event Action<StoreConnection>? Changed;

    /// <summary>Raised in-process after a transition was stored with its outbox event (the webhook dispatcher wakes).</summary>
    internal event Action? EventRecorded;

    /// <summary>
    /// The credential POST: a new integration is stored as pending; a known consumer key with the same secret and store
    /// is a Reauthorize (new verifier, old tokens gone). A known key with another secret or store is refused untouched.
    /// </summary>
    /// <param name="credentials">The four fields Magento posted, already validated.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    public async Task<ReceiveResult> ReceiveAsync(ReceivedCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            StoreConnection? known = await _connections.FindByConsumerKeyAsync(credentials.ConsumerKey, cancellationToken);
            DateTimeOffset now = _time.GetUtcNow();
            if (known is { Unreadable: true })
            {
                return new ReceiveResult(ReceiveOutcome.Unreadable, null);
            }

            if (known is null)
            {
                var connection = new StoreConnection
                {
                    Id = Guid.NewGuid(),
                    StoreBaseUrl = credentials.StoreBaseUrl,
                    ConsumerKey = credentials.ConsumerKey,
                    ConsumerSecret = credentials.ConsumerSecret,
                    Verifier = credentials.Verifier,
                    Status = StoreStatus.Pending,
                    Step = ExchangeStep.Received,
                    ReceivedAt = now,
                    UpdatedAt = now,
                    CreatedAt = now,
                };
                if (await _connections.InsertAsync(connection, cancellationToken))
                {
                    await CommittedAsync(null, connection, ConnectionTransition.Received, "Magento posted the credentials of a new integration.", null, cancellationToken);
                    return new ReceiveResult(ReceiveOutcome.Created, connection);
                }

                continue;
            }

            // The key alone is not secret (it is in every Identity Link URL): only the same secret and store make a Reauthorize.
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(known.ConsumerSecret), Encoding.UTF8.GetBytes(credentials.ConsumerSecret)))
            {
                return new ReceiveResult(ReceiveOutcome.SecretMismatch, null);
            }

            if (!string.Equals(known.StoreBaseUrl, credentials.StoreBaseUrl, StringComparison.Ordinal))
            {
                return new ReceiveResult(ReceiveOutcome.StoreMismatch, null);
            }

            StoreConnection reauthorized = known with
            {
                Verifier = credentials.Verifier,
                RequestToken = null,
                RequestTokenSecret = null,
                AccessToken = null,
                AccessTokenSecret = null,
                Status = StoreStatus.Pending,
                StatusReason = "Reauthorized in the Magento admin: exchanging new tokens.",
                Step = ExchangeStep.Received,
                ReceivedAt = now,
                UpdatedAt = now,
                Attempts = 0,
                SupersededBy = null,
            };
            Check(known.Status, reauthorized.Status, ConnectionTransition.Reauthorized);
            if (await _connections.UpdateAsync(reauthorized, known.Version, cancellationToken))
            {
                // Magento deleted the old access token the moment the merchant clicked Reauthorize.
                StoreConnection saved = reauthorized with { Version = known.Version + 1 };
                await CommittedAsync(known.Status, saved, ConnectionTransition.Reauthorized, reauthorized.StatusReason, Fingerprint(known.AccessToken), cancellationToken);
                return new ReceiveResult(ReceiveOutcome.Reauthorized, saved);
            }
        }

        return new ReceiveResult(ReceiveOutcome.Busy, null);
    }

    /// <summary>Stores a connection whose credentials were verified already (a manual integration's four values).</summary>
    /// <param name="connection">The connection, status <see cref="StoreStatus.Active"/>.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>False when its consumer key is stored already.</returns>
    public async Task<bool> AddVerifiedAsync(StoreConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Check(null, connection.Status, ConnectionTransition.Activated);
        const string Reason = "Added from a manual integration's credentials, verified with a signed call.";
        if (EventFor(connection, ConnectionTransition.Activated, Reason, rotation: false) is { } outboxEvent)
        {
            if (!await _outbox!.InsertWithEventAsync(connection, outboxEvent, cancellationToken))
            {
                return false;
            }

            EventRecorded?.Invoke();
        }
        else if (!await _connections.InsertAsync(connection, cancellationToken))
        {
            return false;
        }

        await CommittedAsync(null, connection, ConnectionTransition.Activated, Reason, null, cancellationToken);
        await ResolveSupersessionAsync(connection, cancellationToken);
        return true;
    }

    /// <summary>Forgets a connection and its history (Magento is not told).</summary>
    /// <param name="id">The connection.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    public async Task<bool> RemoveAsync(Guid id, CancellationToken cancellationToken = default)
    {
        bool removed = await _connections.DeleteAsync(id, cancellationToken);
        if (removed)
        {
            Log.ConnectionRemoved(_logger, id);
        }

        return removed;
    }

    /// <summary>Stores one exchange step of the activation <paramref name="current"/> was read in; null if that activation changed meanwhile.</summary>
    internal Task<StoreConnection?> AdvanceAsync(StoreConnection current, Func<StoreConnection, StoreConnection> apply, CancellationToken cancellationToken) =>
        ChangeAsync(current.Id, current, c => SameActivation(c, current)
            ? new Change(apply(c) with { Status = StoreStatus.Exchanging }, c.Status == StoreStatus.Pending ? ConnectionTransition.Exchanging : null, "The token exchange started.")
            : null, cancellationToken);

    /// <summary>
    /// The tokens of <paramref name="current"/>'s activation were verified: it becomes active, unless a newer
    /// competing connection is active already (then it is superseded at once); then competing connections converge.
    /// </summary>
    internal async Task<StoreConnection?> ActivateAsync(StoreConnection current, Func<StoreConnection, StoreConnection> apply, CancellationToken cancellationToken)
    {
        StoreConnection? newer = Newest((await _connections.FindByStoreBaseUrlAsync(current.StoreBaseUrl, cancellationToken))
            .Where(c => c.Status == StoreStatus.Active && ConnectionRules.Compete(c, current) && ConnectionRules.CompareActivations(c, current) > 0));
        bool rotation = _outbox is not null && await IsRotationAsync(current, cancellationToken);
        StoreConnection? saved = await ChangeAsync(current.Id, current, c =>
        {
            if (!SameActivation(c, current))
            {
                return null;
            }

            StoreConnection verified = apply(c);
            return newer is not null && string.Equals(newer.AccountId, c.AccountId, StringComparison.Ordinal)
                ? new Change(verified with { Status = StoreStatus.Superseded, SupersededBy = newer.Id, StatusReason = SupersededReason(newer) }, ConnectionTransition.Superseded, SupersededReason(newer))
                : new Change(verified with { Status = StoreStatus.Active }, ConnectionTransition.Activated, verified.StatusReason ?? "The tokens were verified with a signed API call.", Rotation: rotation);
        }, cancellationToken);
        if (saved is { Status: StoreStatus.Active })
        {
            await ResolveSupersessionAsync(saved, cancellationToken);
        }

        return saved;
    }

    /// <summary>Fails the activation <paramref name="current"/> was read in, if it is still unfinished.</summary>
    internal Task<StoreConnection?> FailAsync(StoreConnection current, string reason, CancellationToken cancellationToken) =>
        ChangeAsync(current.Id, current, c => SameActivation(c, current)
            ? new Change(c with { Status = StoreStatus.Failed, StatusReason = reason }, ConnectionTransition.Failed, reason)
            : null, cancellationToken);

    /// <summary>
    /// Magento refused <paramref name="refusedAccessToken"/> as gone: the connection is revoked, but only while it is
    /// still active with that very token (a Reauthorize that replaced it meanwhile is not undone).
    /// </summary>
    internal Task<StoreConnection?> RevokeAsync(Guid id, string refusedAccessToken, string reason, CancellationToken cancellationToken) =>
        ChangeAsync(id, null, c => c.Status == StoreStatus.Active && c.AccessToken is not null
                && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(c.AccessToken), Encoding.UTF8.GetBytes(refusedAccessToken))
            ? new Change(c with { Status = StoreStatus.Revoked, StatusReason = reason }, ConnectionTransition.Revoked, reason)
            : null, cancellationToken);

    /// <summary>
    /// Remembers the signer profile that works for a store (found by a signature fallback, or by <c>magento-oauth doctor</c>),
    /// so its requests that are not portable are signed that way from the start. Not a status change: no event.
    /// </summary>
    /// <param name="id">The connection.</param>
    /// <param name="profile">The profile that works.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The updated connection, or <see langword="null"/> when it is gone or already had that profile.</returns>
    public Task<StoreConnection?> SetProfileAsync(Guid id, SignatureProfile profile, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, null, c => c.Profile == profile ? null : new Change(c with { Profile = profile }, null, null), cancellationToken);

    /// <summary>
    /// Links the connection to an account of the hosting app: only within <see cref="MagentoIntegrationOptions.AccountLinkWindow"/>
    /// after the credential POST, and once per activation (another account needs a new activation: Reauthorize).
    /// </summary>
    /// <param name="id">The connection.</param>
    /// <param name="accountId">The account.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    public async Task<LinkResult> LinkAccountAsync(Guid id, string accountId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        LinkCheck? refusal = null;
        StoreConnection? saved = await ChangeAsync(id, null, c =>
        {
            LinkCheck check = ConnectionRules.CanLink(c, accountId, _time.GetUtcNow(), _options.AccountLinkWindow);
            refusal = check;
            return check == LinkCheck.Allowed
                ? new Change(c with { AccountId = accountId, AccountLinkedAt = _time.GetUtcNow() }, ConnectionTransition.AccountLinked, "Linked to an account of the app.")
                : null;
        }, cancellationToken);
        if (saved is not null)
        {
            if (saved.Status == StoreStatus.Active)
            {
                await ResolveSupersessionAsync(saved, cancellationToken);
            }

            return LinkResult.Linked;
        }

        return refusal switch
        {
            LinkCheck.AlreadyLinked => LinkResult.AlreadyLinked,
            LinkCheck.LinkedToAnother => LinkResult.LinkedToAnotherAccount,
            LinkCheck.WindowClosed => LinkResult.WindowClosed,
            _ => LinkResult.UnknownConnection,
        };
    }

    /// <summary>
    /// Among active connections competing for <paramref name="changed"/>'s store, the newest activation wins and the
    /// others are superseded by it. Every instance computes the same winner from the same rows, so however
    /// verifications interleave, the store ends with exactly one active connection and never with none.
    /// </summary>
    private async Task ResolveSupersessionAsync(StoreConnection changed, CancellationToken cancellationToken)
    {
        for (int round = 0; round < MaxAttempts; round++)
        {
            var competing = (await _connections.FindByStoreBaseUrlAsync(changed.StoreBaseUrl, cancellationToken))
                .Where(c => c.Status == StoreStatus.Active && string.Equals(c.AccountId, changed.AccountId, StringComparison.Ordinal)).ToList();
            if (competing.Count < 2)
            {
                return;
            }

            StoreConnection winner = Newest(competing)!;
            foreach (StoreConnection loser in competing.Where(c => c.Id != winner.Id))
            {
                await ChangeAsync(loser.Id, loser, c => c.Status == StoreStatus.Active && ConnectionRules.Compete(c, winner) && ConnectionRules.CompareActivations(c, winner) < 0
                    ? new Change(c with { Status = StoreStatus.Superseded, SupersededBy = winner.Id, StatusReason = SupersededReason(winner) }, ConnectionTransition.Superseded, SupersededReason(winner), Fingerprint(c.AccessToken))
                    : null, cancellationToken);
            }
        }
    }

    private static StoreConnection? Newest(IEnumerable<StoreConnection> connections) =>
        connections.Aggregate((StoreConnection?)null, (best, c) => best is null || ConnectionRules.CompareActivations(c, best) > 0 ? c : best);

    private static string SupersededReason(StoreConnection by) =>
        $"Superseded by a newer integration for this store (consumer key {SecretMask.Mask(by.ConsumerKey)}, connection {by.Id}).";

    private static bool SameActivation(StoreConnection stored, StoreConnection read) =>
        stored.ReceivedAt == read.ReceivedAt && stored.Step == read.Step && stored.Status is StoreStatus.Pending or StoreStatus.Exchanging;

    /// <summary>
    /// The one read-decide-write loop: <paramref name="decide"/> sees the stored row (re-read after every version
    /// conflict) and returns the change, or null for none. Returns the stored result, or null when nothing changed.
    /// </summary>
    private async Task<StoreConnection?> ChangeAsync(Guid id, StoreConnection? known, Func<StoreConnection, Change?> decide, CancellationToken cancellationToken)
    {
        StoreConnection? current = known;
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            current ??= await _connections.FindAsync(id, cancellationToken);
            if (current is null || current.Unreadable || decide(current) is not { } change)
            {
                // An unreadable row (another key) is never written back: its secrets would be lost.
                return null;
            }

            StoreConnection next = Cleaned(change.Next) with { UpdatedAt = _time.GetUtcNow() };
            Check(current.Status, next.Status, change.Transition);
            if (await UpdateAsync(next, current.Version, change, cancellationToken))
            {
                StoreConnection saved = next with { Version = current.Version + 1 };
                if (change.Transition is { } transition)
                {
                    await CommittedAsync(current.Status, saved, transition, change.Reason, change.Fingerprint, cancellationToken);
                }
                else
                {
                    Changed?.Invoke(saved);
                }

                return saved;
            }

            current = null;
        }

        Log.ChangeGaveUp(_logger, id, MaxAttempts);
        return null;
    }

    /// <summary>The store-supplied fields of a connection, cleaned and capped (<see cref="StoreText"/>) before they are stored.</summary>
    private static StoreConnection Cleaned(StoreConnection c) => c with
    {
        StatusReason = StoreText.Clean(c.StatusReason, StoreText.MaxReason),
        StoreName = StoreText.Clean(c.StoreName, StoreText.MaxName),
        Locale = StoreText.Clean(c.Locale, StoreText.MaxCode),
        Currency = StoreText.Clean(c.Currency, StoreText.MaxCode),
    };

    private static void Check(StoreStatus? from, StoreStatus to, ConnectionTransition? transition)
    {
        if (!ConnectionRules.IsAllowed(from, to, transition))
        {
            throw new InvalidOperationException($"A connection cannot go from {from?.ToString() ?? "nothing"} to {to} by {transition?.ToString() ?? "an update"}.");
        }
    }

    /// <summary>After a transition is stored: history, one log line, the in-process change, the app's event.</summary>
    private async Task CommittedAsync(StoreStatus? from, StoreConnection saved, ConnectionTransition transition, string? reason, string? fingerprint, CancellationToken cancellationToken)
    {
        try
        {
            await _history.AddAsync(new HistoryEntry(saved.Id, saved.UpdatedAt, transition, from, saved.Status, StoreText.Clean(reason, StoreText.MaxReason), fingerprint), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The transition itself is stored; a lost history line must not undo or repeat it.
            Log.HistoryFailed(_logger, saved.Id, e);
        }

        Log.Transition(_logger, saved.StoreBaseUrl, saved.Id, transition, from?.ToString() ?? "-", saved.Status);
        Telemetry.IntegrationTelemetry.Transition(transition);
        Changed?.Invoke(saved);
        try
        {
            await _options.Events.OnStatusChanged(new StatusChangedContext(saved, from, transition, reason, cancellationToken));
        }
        catch (Exception e)
        {
            Log.EventHandlerFailed(_logger, saved.Id, transition, e);
        }
    }

    private static string? Fingerprint(string? token) => token is null ? null : TokenFingerprint.Of(token);

    /// <summary>Stores a change, with its outbox event in the same transaction when it makes one.</summary>
    private async Task<bool> UpdateAsync(StoreConnection next, long expectedVersion, Change change, CancellationToken cancellationToken)
    {
        if (change.Transition is { } transition && EventFor(next, transition, change.Reason, change.Rotation) is { } outboxEvent)
        {
            if (!await _outbox!.UpdateWithEventAsync(next, expectedVersion, outboxEvent, cancellationToken))
            {
                return false;
            }

            EventRecorded?.Invoke();
            return true;
        }

        return await _connections.UpdateAsync(next, expectedVersion, cancellationToken);
    }

    /// <summary>The outbox event of a transition, or null when events are not recorded or the transition makes none.</summary>
    private OutboxEvent? EventFor(StoreConnection next, ConnectionTransition transition, string? reason, bool rotation) =>
        _outbox is not null && LifecycleEvent.TypeOf(transition, rotation) is { } type
            ? LifecycleEvent.Create(type, next, reason, _time.GetUtcNow())
            : null;

    /// <summary>
    /// Whether an activation replaces tokens that worked: it began with a Reauthorize (the credentials arrived after the
    /// row was created) of a connection that was active before. A rotation is "rotated", anything else "connected".
    /// </summary>
    private async Task<bool> IsRotationAsync(StoreConnection current, CancellationToken cancellationToken)
    {
        if (current.ReceivedAt <= current.CreatedAt)
        {
            return false;
        }

        try
        {
            return (await _history.ListAsync(current.Id, cancellationToken: cancellationToken)).Any(e => e.To == StoreStatus.Active);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The history only names the event; it must not hold up the activation.
            Log.RotationUnknown(_logger, current.Id, e);
            return false;
        }
    }

    private sealed record Change(StoreConnection Next, ConnectionTransition? Transition, string? Reason, string? Fingerprint = null, bool Rotation = false);
}
