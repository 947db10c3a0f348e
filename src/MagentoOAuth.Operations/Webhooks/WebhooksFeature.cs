using MagentoOAuth.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.Operations.Webhooks;

/// <summary>
/// Webhooks: the lifecycle records an outbox event with every transition, and the dispatcher posts them. They need no
/// admin listener (<c>AddMagentoWebhooks</c> is separate from <c>AddMagentoOperations</c>).
/// </summary>
internal static class WebhooksFeature
{
    public static void AddServices(IServiceCollection services, Action<WebhookOptions> configure)
    {
        services.AddOptions<WebhookOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.Configure<MagentoIntegrationOptions>(o => o.RecordEvents = true);

        // Its own client: no redirects (a receiver's 3xx is a failed delivery, and the body must not go elsewhere),
        // and no request logging (a webhook URL often carries a token in its query).
        services.AddHttpClient(WebhookDispatcher.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .RemoveAllLoggers();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WebhookDispatcher>());
    }
}
