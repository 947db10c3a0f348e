using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MagentoOAuth.Sandbox.Integrations;
using MagentoOAuth.Sandbox.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MagentoOAuth.Sandbox.Endpoints;

/// <summary>
/// The scriptable API for tests and tools (not part of Magento), JSON in and out, camelCase:
/// <c>POST /sandbox/api/integrations</c>, <c>GET|DELETE /sandbox/api/integrations/{id}</c>,
/// <c>POST /sandbox/api/integrations/{id}/activate</c> and <c>…/reauthorize</c>.
/// </summary>
internal static class ApiEndpoints
{
    public const int MaxBodyBytes = 64 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/sandbox/api/integrations", context =>
            Respond.Json(context, 200, new JsonArray(Service(context).List().Select(i => (JsonNode)Describe(context, i)).ToArray())));
        app.MapPost("/sandbox/api/integrations", CreateAsync);
        app.MapGet("/sandbox/api/integrations/{id}", context => WithIntegration(context, i => Respond.Json(context, 200, Describe(context, i))));
        app.MapDelete("/sandbox/api/integrations/{id}", context => WithIntegration(context, i =>
        {
            Service(context).Delete(i.Id);
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        }));
        app.MapPost("/sandbox/api/integrations/{id}/activate", context => ActivateAsync(context, reauthorize: false));
        app.MapPost("/sandbox/api/integrations/{id}/reauthorize", context => ActivateAsync(context, reauthorize: true));
        app.MapGet("/sandbox/api/faults", context => Respond.Json(context, 200, Faults(context)));
        app.MapPut("/sandbox/api/faults", ReplaceFaultsAsync);
        app.MapDelete("/sandbox/api/faults", context =>
        {
            context.RequestServices.GetRequiredService<Faults.FaultInjector>().Replace([]);
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
    }

    private static JsonArray Faults(HttpContext context) =>
        new(context.RequestServices.GetRequiredService<Faults.FaultInjector>().Faults.Select(f => (JsonNode)JsonValue.Create(f.ToString())).ToArray());

    /// <summary><c>PUT /sandbox/api/faults</c> <c>["access:error=503:1:20", "rest:slow=500:0.5"]</c> replaces the active faults.</summary>
    private static async Task ReplaceFaultsAsync(HttpContext context)
    {
        try
        {
            JsonArray body = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))?.AsArray()
                ?? throw new FormatException("Send a JSON array of fault strings.");
            var faults = body.Select(f => MagentoOAuth.Sandbox.Faults.SandboxFault.Parse(f?.GetValue<string>() ?? string.Empty)).ToList();
            context.RequestServices.GetRequiredService<Faults.FaultInjector>().Replace(faults);
            await Respond.Json(context, 200, Faults(context));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            await Respond.ApiError(context, 400, e.Message);
        }
    }

    private static IntegrationService Service(HttpContext context) => context.RequestServices.GetRequiredService<IntegrationService>();

    private static async Task CreateAsync(HttpContext context)
    {
        JsonObject? body;
        try
        {
            if (context.Request.ContentLength > MaxBodyBytes)
            {
                await Respond.ApiError(context, 413, $"The body is larger than {MaxBodyBytes} bytes.");
                return;
            }

            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException e)
        {
            await Respond.ApiError(context, 400, "The body is not JSON: " + e.Message);
            return;
        }

        string? name = Text(body, "name");
        string? callbackUrl = Text(body, "callbackUrl");
        string? identityLinkUrl = Text(body, "identityLinkUrl");
        string? problem = name is null or { Length: 0 } ? "'name' is required."
            : !IsHttpUrl(callbackUrl) ? "'callbackUrl' must be an absolute http(s) URL."
            : !IsHttpUrl(identityLinkUrl) ? "Invalid Identity Link URL"
            : null;
        if (problem is not null)
        {
            await Respond.ApiError(context, 400, problem);
            return;
        }

        List<string>? resources = (body?["resources"] as JsonArray)?.Select(r => r?.ToString() ?? string.Empty).Where(r => r.Length > 0).ToList();
        IntegrationRecord created = Service(context).Create(name!, callbackUrl, identityLinkUrl, resources);
        context.Response.Headers.Location = "/sandbox/api/integrations/" + IntegrationService.Id(created);
        await Respond.Json(context, 201, Describe(context, created));
    }

    private static async Task ActivateAsync(HttpContext context, bool reauthorize)
    {
        if (!int.TryParse(context.Request.RouteValues["id"] as string, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
        {
            await Respond.ApiError(context, 404, "No such integration.");
            return;
        }

        ActivationResult? result = await Service(context).ActivateAsync(id, reauthorize, context.RequestAborted);
        if (result is null)
        {
            await Respond.ApiError(context, 404, "No such integration.");
            return;
        }

        var body = new JsonObject
        {
            ["identityLinkUrl"] = result.IdentityLinkUrl,
            ["successCallBack"] = result.SuccessCallBack,
            ["oauthConsumerKey"] = result.ConsumerKey,
            ["callbackStatus"] = result.CallbackStatus,
            ["callbackError"] = result.CallbackError,
            ["callbackMilliseconds"] = result.CallbackMilliseconds,
        };
        if (result.Manual is { } manual)
        {
            body["credentials"] = new JsonObject
            {
                ["consumerKey"] = manual.ConsumerKey,
                ["consumerSecret"] = manual.ConsumerSecret,
                ["accessToken"] = manual.AccessToken,
                ["accessTokenSecret"] = manual.AccessTokenSecret,
            };
        }

        await Respond.Json(context, 200, body);
    }

    private static Task WithIntegration(HttpContext context, Func<IntegrationRecord, Task> action)
    {
        IntegrationRecord? integration = int.TryParse(context.Request.RouteValues["id"] as string, NumberStyles.None, CultureInfo.InvariantCulture, out int id)
            ? Service(context).Find(id)
            : null;
        return integration is null ? Respond.ApiError(context, 404, "No such integration.") : action(integration);
    }

    private static JsonObject Describe(HttpContext context, IntegrationRecord integration)
    {
        IntegrationService service = Service(context);
        ConsumerRecord consumer = service.ConsumerOf(integration);
        TokenRecord? token = service.TokenOf(integration);
        bool access = token?.Type == TokenRecord.Access;
        return new JsonObject
        {
            ["id"] = integration.Id,
            ["name"] = integration.Name,
            ["callbackUrl"] = integration.Endpoint,
            ["identityLinkUrl"] = integration.IdentityLinkUrl,
            ["status"] = IntegrationService.StatusText(integration),
            ["consumerKey"] = consumer.Key,
            ["consumerSecret"] = consumer.Secret,
            ["accessToken"] = access ? token!.Token : null,
            ["accessTokenSecret"] = access ? token!.Secret : null,
            ["resources"] = new JsonArray(integration.Resources.Select(r => (JsonNode)JsonValue.Create(r)).ToArray()),
            ["acceptedCalls"] = integration.AcceptedCalls,
            ["refusedCalls"] = integration.RefusedCalls.Values.Sum(),
            ["refusals"] = new JsonObject(integration.RefusedCalls.Select(r => new KeyValuePair<string, JsonNode?>(r.Key, r.Value))),
        };
    }

    private static string? Text(JsonObject? body, string name) =>
        body?[name] is JsonValue value && value.TryGetValue(out string? text) ? (text.Length == 0 ? null : text) : null;

    /// <summary>Absent is fine (a manual integration); present must be absolute http(s), as Save.php's URL validator wants. The admin form uses it too.</summary>
    internal static bool IsHttpUrl(string? url) =>
        url is null || (Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps));
}
