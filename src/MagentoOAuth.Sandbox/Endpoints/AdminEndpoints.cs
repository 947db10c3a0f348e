using System.Globalization;
using System.Text.Json.Nodes;
using MagentoOAuth.Sandbox.Admin;
using MagentoOAuth.Sandbox.Integrations;
using MagentoOAuth.Sandbox.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MagentoOAuth.Sandbox.Endpoints;

/// <summary>The sandbox admin (<c>/admin</c>), for a person in a browser.</summary>
internal static class AdminEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/admin", context => Respond.Html(context, 200, AdminPages.Grid(Rows(context), context.Request.Query["message"].FirstOrDefault())));
        app.MapPost("/admin/integrations", CreateAsync);
        app.MapPost("/admin/integrations/{id}/activate", context => ActivateAsync(context, reauthorize: false));
        app.MapPost("/admin/integrations/{id}/reauthorize", context => ActivateAsync(context, reauthorize: true));
        app.MapGet("/admin/integrations/{id}/credentials", CredentialsAsync);
        app.MapPost("/admin/integrations/{id}/delete", context =>
        {
            if (Id(context) is int id)
            {
                Service(context).Delete(id);
            }

            context.Response.Redirect("/admin?message=Integration%20deleted.", permanent: false);
            return Task.CompletedTask;
        });
        app.MapGet("/admin/integration/loginSuccessCallback", context => Respond.Html(context, 200, AdminPages.LoginSuccessCallback));
    }

    private static IntegrationService Service(HttpContext context) => context.RequestServices.GetRequiredService<IntegrationService>();

    private static int? Id(HttpContext context) =>
        int.TryParse(context.Request.RouteValues["id"] as string, NumberStyles.None, CultureInfo.InvariantCulture, out int id) ? id : null;

    private static List<(IntegrationRecord, ConsumerRecord)> Rows(HttpContext context) =>
        Service(context).List().Select(i => (i, Service(context).ConsumerOf(i))).ToList();

    private static async Task CreateAsync(HttpContext context)
    {
        IFormCollection form = await context.Request.ReadFormAsync(context.RequestAborted);
        string name = form["name"].ToString().Trim();
        string endpoint = form["endpoint"].ToString().Trim();
        string identity = form["identity_link_url"].ToString().Trim();
        string? problem = name.Length == 0 ? "Name is required."
            : endpoint.Length > 0 && !Uri.TryCreate(endpoint, UriKind.Absolute, out _) ? "Invalid Callback URL"
            : identity.Length > 0 && !Uri.TryCreate(identity, UriKind.Absolute, out _) ? "Invalid Identity Link URL"
            : null;
        if (problem is null)
        {
            Service(context).Create(name, endpoint, identity, null);
        }

        context.Response.Redirect("/admin?message=" + Uri.EscapeDataString(problem ?? "The integration has been saved."), permanent: false);
    }

    private static async Task ActivateAsync(HttpContext context, bool reauthorize)
    {
        ActivationResult? result = Id(context) is int id ? await Service(context).ActivateAsync(id, reauthorize, context.RequestAborted) : null;
        if (result is null)
        {
            await Respond.Html(context, 404, "<p>No such integration.</p>");
            return;
        }

        if (context.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.Ordinal))
        {
            await Respond.Json(context, 200, new JsonObject
            {
                ["identityLinkUrl"] = result.IdentityLinkUrl,
                ["successCallBack"] = result.SuccessCallBack,
                ["callbackError"] = result.CallbackError,
            });
            return;
        }

        await Respond.Html(context, 200, AdminPages.Activated(Service(context).Find(Id(context)!.Value)!, result));
    }

    private static Task CredentialsAsync(HttpContext context)
    {
        IntegrationRecord? integration = Id(context) is int id ? Service(context).Find(id) : null;
        TokenRecord? token = integration is null ? null : Service(context).TokenOf(integration);
        if (integration is null || token?.Type != TokenRecord.Access)
        {
            return Respond.Html(context, 404, "<p>No credentials to show.</p>");
        }

        ConsumerRecord consumer = Service(context).ConsumerOf(integration);
        return Respond.Html(context, 200, AdminPages.Credentials(integration, new ManualCredentials(consumer.Key, consumer.Secret, token.Token, token.Secret)));
    }
}
