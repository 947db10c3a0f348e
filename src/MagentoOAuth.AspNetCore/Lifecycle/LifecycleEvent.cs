using System.Text.Json;
using System.Text.Json.Serialization;
using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Lifecycle;

/// <summary>
/// The webhook event of a transition: its type and the JSON body delivered as is (docs/webhooks.md). Public fields of
/// the connection only: never a secret or token.
/// </summary>
internal static class LifecycleEvent
{
    /// <summary>The event type of a transition, or null for the transitions that make none (received, exchanging, reauthorized).</summary>
    /// <param name="transition">The transition.</param>
    /// <param name="rotation">For an activation: whether it replaced tokens that worked (after a Reauthorize).</param>
    public static string? TypeOf(ConnectionTransition transition, bool rotation) => transition switch
    {
        ConnectionTransition.Activated => rotation ? "rotated" : "connected",
        ConnectionTransition.Failed => "failed",
        ConnectionTransition.Revoked => "revoked",
        ConnectionTransition.Superseded => "superseded",
        ConnectionTransition.AccountLinked => "account_linked",
        _ => null,
    };

    /// <summary>The outbox row of <paramref name="type"/> for the connection as stored by the change.</summary>
    public static OutboxEvent Create(string type, StoreConnection saved, string? reason, DateTimeOffset at)
    {
        var id = Guid.NewGuid();
        var body = new EventBody(id.ToString(), type, at.ToUniversalTime(), new EventStore(
            saved.Id.ToString(), saved.StoreBaseUrl, StatusText(saved.Status), StoreText.Clean(reason, StoreText.MaxReason),
            saved.AccountId, saved.StoreName, saved.SupersededBy?.ToString()));
        return new OutboxEvent(id, saved.Id, at, JsonSerializer.Serialize(body, LifecycleEventJsonContext.Default.EventBody));
    }

    /// <summary>The status as the event shows it (and <c>stores list --json</c>): lower case.</summary>
    public static string StatusText(StoreStatus status) => status switch
    {
        StoreStatus.Pending => "pending",
        StoreStatus.Exchanging => "exchanging",
        StoreStatus.Active => "active",
        StoreStatus.Failed => "failed",
        StoreStatus.Revoked => "revoked",
        StoreStatus.Superseded => "superseded",
        _ => status.ToString().ToLowerInvariant(),
    };

    internal sealed record EventBody(string Id, string Type, DateTimeOffset OccurredAt, EventStore Store);

    internal sealed record EventStore(string Id, string StoreBaseUrl, string Status, string? Reason, string? AccountId, string? Name, string? SupersededBy);
}

/// <summary>Source-generated JSON of the events (the CLI is published native AOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LifecycleEvent.EventBody))]
internal sealed partial class LifecycleEventJsonContext : JsonSerializerContext;
