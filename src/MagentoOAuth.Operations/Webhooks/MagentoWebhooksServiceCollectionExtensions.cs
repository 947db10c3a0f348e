using MagentoOAuth.Operations.Webhooks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers webhooks: a signed JSON event for every lifecycle transition, delivered from an outbox (docs/webhooks.md).</summary>
public static class MagentoWebhooksServiceCollectionExtensions
{
    /// <summary>
    /// Records an event in the storage's outbox with every transition (connected, rotated, failed, revoked, superseded,
    /// account linked), in the same transaction as the change, and posts the events to <see cref="WebhookOptions.Url"/>
    /// signed with HMAC-SHA256: at least once, in order per store, retried with growing delays. Needs
    /// <c>AddMagentoIntegration</c> and a storage backend with an outbox (SQLite, PostgreSQL or in memory).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">The URL, the secret and the delays.</param>
    public static IServiceCollection AddMagentoWebhooks(this IServiceCollection services, Action<WebhookOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        WebhooksFeature.AddServices(services, configure);
        return services;
    }
}
