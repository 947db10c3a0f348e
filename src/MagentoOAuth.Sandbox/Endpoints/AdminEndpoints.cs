using System.Globalization;
using System.Text.Json.Nodes;
using MagentoOAuth.Sandbox.Admin;
using MagentoOAuth.Sandbox.Integrations;
using MagentoOAuth.Sandbox.State;
using Microsoft.AspNetCore.Antiforgery;
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
        app.MapGet("/admin", context => GridAsync(context, 200, context.Request.Query["message"].FirstOrDefault()));
        app.MapPost("/admin/integrations", context => WithFormTokenAsync(context, CreateAsync));
        app.MapPost("/admin/integrations/{id}/activate", context => WithFormTokenAsync(context, c => ActivateAsync(c, reauthorize: false)));
        app.MapPost("/admin/integrations/{id}/reauthorize", context => WithFormTokenAsync(context, c => ActivateAsync(c, reauthorize: true)));
        app.MapGet("/admin/integrations/{id}/credentials", CredentialsAsync);
        app.MapPost("/admin/integrations/{id}/delete", context => WithFormTokenAsync(context, c =>
        {
            if (Id(c) is int id)
            {
                Service(c).Delete(id);
            }

            c.Response.Redirect("/admin?message=Integration%20deleted.", permanent: false);
            return Task.CompletedTask;
        }));
        app.MapGet("/admin/integration/loginSuccessCallback", context => Respond.Html(context, 200, AdminPages.LoginSuccessCallback));
    }

    /// <summary>The header the grid's script sends the antiforgery token in (a form sends it as a field).</summary>
    public const string AntiforgeryHeader = "X-Sandbox-Antiforgery";

    private static IntegrationService Service(HttpContext context) => context.RequestServices.GetRequiredService<IntegrationService>();

    private static Task GridAsync(HttpContext context, int status, string? message)
    {
        AntiforgeryTokenSet tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return Respond.Html(context, status, AdminPages.Grid(Rows(context), message, tokens.FormFieldName, tokens.RequestToken ?? string.Empty));
    }

    /// <summary>Every admin form post carries the token of a page the sandbox served: a page of another site cannot post them.</summary>
    private static async Task WithFormTokenAsync(HttpContext context, Func<HttpContext, Task> action)
    {
        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            await Respond.Html(context, 400, "<p>This form did not come from the sandbox admin (its antiforgery token is missing or expired). <a href=\"/admin\">Open the admin</a> and try again.</p>");
            return;
        }

        await action(context);
    }

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
            : !ApiEndpoints.IsHttpUrl(endpoint.Length == 0 ? null : endpoint) ? "Invalid Callback URL"
            : !ApiEndpoints.IsHttpUrl(identity.Length == 0 ? null : identity) ? "Invalid Identity Link URL"
            : null;
        if (problem is not null)
        {
            await GridAsync(context, 400, problem);
            return;
        }

        Service(context).Create(name, endpoint, identity, null);
        context.Response.Redirect("/admin?message=" + Uri.EscapeDataString("The integration has been saved."), permanent: false);
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
