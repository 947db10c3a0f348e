using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MagentoOAuth.Operations.Admin;

/// <summary>
/// One app, two listeners: an endpoint is served only on the listener it belongs to. Which listener is known from the
/// socket's local port, never from the Host header (which the caller chooses).
/// </summary>
internal static class AdminListenerGuard
{
    public static IApplicationBuilder Use(IApplicationBuilder app, int adminPort) => app.Use((context, next) =>
    {
        if (context.GetEndpoint() is { } endpoint && endpoint.Metadata.GetMetadata<AnyListenerMetadata>() is null)
        {
            bool onAdmin = context.Connection.LocalPort == adminPort;
            bool adminEndpoint = endpoint.Metadata.GetMetadata<AdminListenerMetadata>() is not null;
            if (onAdmin != adminEndpoint)
            {
                context.SetEndpoint(null);
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
        }

        return next(context);
    });
}
