using System.Text.Json;
using System.Text.Json.Nodes;
using MagentoOAuth.Sandbox.Oauth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MagentoOAuth.Sandbox.Endpoints;

/// <summary>
/// <c>GET|PUT /sandbox/api/store</c>: the store's switches (<see cref="StoreSwitches"/>) as JSON, changeable while the
/// sandbox runs, so one sandbox can be each broken store in turn. A PUT changes only the fields it names, all of
/// them or none: every field is checked first, then the new snapshot replaces the old one at once.
/// </summary>
internal static class StoreApiEndpoints
{
    private static readonly string[] Fields =
        ["stripAuthorization", "basicAuth", "redirectTo", "exposeVersion", "requireIndexPhp", "allowBearer", "clockOffsetSeconds", "signer"];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/sandbox/api/store", context => Respond.Json(context, 200, Describe(Options(context).Switches)));
        app.MapPut("/sandbox/api/store", ChangeAsync);
    }

    private static SandboxOptions Options(HttpContext context) => context.RequestServices.GetRequiredService<SandboxOptions>();

    public static JsonObject Describe(StoreSwitches store) => new()
    {
        ["stripAuthorization"] = store.StripAuthorization,
        ["basicAuth"] = store.BasicAuth,
        ["redirectTo"] = store.RedirectTo,
        ["exposeVersion"] = store.ExposeVersion,
        ["requireIndexPhp"] = store.RequireIndexPhp,
        ["allowBearer"] = store.AllowBearer,
        ["clockOffsetSeconds"] = store.ClockOffset.TotalSeconds,
        ["signer"] = store.Signer.ToString().ToLowerInvariant(),
    };

    private static async Task ChangeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > ApiEndpoints.MaxBodyBytes)
        {
            await Respond.ApiError(context, 413, $"The body is larger than {ApiEndpoints.MaxBodyBytes} bytes.");
            return;
        }

        Func<StoreSwitches, StoreSwitches> change;
        try
        {
            JsonObject body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject
                ?? throw new FormatException("Send a JSON object, e.g. {\"stripAuthorization\": true}.");
            change = Parse(body);
        }
        catch (JsonException e)
        {
            await Respond.ApiError(context, 400, "The body is not JSON: " + e.Message);
            return;
        }
        catch (FormatException e)
        {
            await Respond.ApiError(context, 400, e.Message);
            return;
        }

        SandboxOptions options = Options(context);
        options.Change(change);
        await Respond.Json(context, 200, Describe(options.Switches));
    }

    /// <summary>Checks every field and returns the change they make together; throws <see cref="FormatException"/> on the first bad one.</summary>
    private static Func<StoreSwitches, StoreSwitches> Parse(JsonObject body)
    {
        var changes = new List<Func<StoreSwitches, StoreSwitches>>();
        foreach (var (name, value) in body)
        {
            switch (name)
            {
                case "stripAuthorization":
                    bool strip = Flag(name, value);
                    changes.Add(s => s with { StripAuthorization = strip });
                    break;
                case "exposeVersion":
                    bool expose = Flag(name, value);
                    changes.Add(s => s with { ExposeVersion = expose });
                    break;
                case "requireIndexPhp":
                    bool indexPhp = Flag(name, value);
                    changes.Add(s => s with { RequireIndexPhp = indexPhp });
                    break;
                case "allowBearer":
                    bool bearer = Flag(name, value);
                    changes.Add(s => s with { AllowBearer = bearer });
                    break;
                case "basicAuth":
                    string? credentials = TextOrNull(name, value);
                    if (StoreSwitches.BasicAuthProblem(credentials) is { } basicProblem)
                    {
                        throw new FormatException($"'{name}': {basicProblem}");
                    }

                    changes.Add(s => s with { BasicAuth = credentials });
                    break;
                case "redirectTo":
                    string? target = StoreSwitches.NormalizeRedirect(TextOrNull(name, value), out string? redirectProblem);
                    if (redirectProblem is not null)
                    {
                        throw new FormatException($"'{name}': {redirectProblem}");
                    }

                    changes.Add(s => s with { RedirectTo = target });
                    break;
                case "clockOffsetSeconds":
                    double seconds = value is JsonValue number && number.GetValueKind() == JsonValueKind.Number
                        ? number.GetValue<double>()
                        : throw new FormatException($"'{name}' must be a number of seconds.");
                    if (StoreSwitches.ClockOffsetProblem(seconds) is { } clockProblem)
                    {
                        throw new FormatException($"'{name}': {clockProblem}");
                    }

                    changes.Add(s => s with { ClockOffset = TimeSpan.FromSeconds(seconds) });
                    break;
                case "signer":
                    SignerGeneration signer = TextOrNull(name, value)?.ToLowerInvariant() switch
                    {
                        "g1" => SignerGeneration.G1,
                        "g2" => SignerGeneration.G2,
                        "g3" => SignerGeneration.G3,
                        "g4" => SignerGeneration.G4,
                        _ => throw new FormatException($"'{name}' must be one of \"g1\", \"g2\", \"g3\", \"g4\"."),
                    };
                    changes.Add(s => s with { Signer = signer });
                    break;
                default:
                    throw new FormatException($"Unknown field '{name}'; the store's fields are {string.Join(", ", Fields)}.");
            }
        }

        return store => changes.Aggregate(store, (current, apply) => apply(current));
    }

    private static bool Flag(string name, JsonNode? value) =>
        value is JsonValue flag && flag.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? flag.GetValue<bool>()
            : throw new FormatException($"'{name}' must be true or false.");

    private static string? TextOrNull(string name, JsonNode? value) =>
        value is null ? null
        : value is JsonValue text && text.GetValueKind() == JsonValueKind.String ? text.GetValue<string>()
        : throw new FormatException($"'{name}' must be a string or null.");
}
