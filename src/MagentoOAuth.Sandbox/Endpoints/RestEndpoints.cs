using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using MagentoOAuth.Sandbox.Catalog;
using MagentoOAuth.Sandbox.Integrations;
using MagentoOAuth.Sandbox.Oauth;
using MagentoOAuth.Sandbox.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MagentoOAuth.Sandbox.Endpoints;

/// <summary>
/// <c>/rest[/&lt;store&gt;][/async]/V1/…</c> (W/Controller/PathProcessor.php, W/Controller/Rest.php): route match
/// ("Request does not match any route."), then the caller (OAuth via W/Model/Authorization/OauthUserContext, Bearer
/// via TokenUserContext when allowed), then the ACL (W/Controller/Rest/RequestValidator::checkPermissions).
/// Errors are <c>{"message", "parameters"}</c> JSON with Magento's statuses (F/Webapi/ErrorProcessor::maskException).
/// </summary>
internal static class RestEndpoints
{
    // PathProcessor: a code of one of the store views, or "all" (the admin store).
    private static readonly string[] StoreCodes = [.. SampleData.StoreViewCodes, "all"];

    private static readonly Route[] Routes =
    [
        new("GET", ["V1", "store", "storeConfigs"], "Magento_Backend::store", (call, catalog) => Task.FromResult<JsonNode?>(SampleData.StoreConfigs(call.BaseUrl))),
        new("GET", ["V1", "store", "websites"], "Magento_Backend::store", (_, _) => Task.FromResult<JsonNode?>(SampleData.Websites())),
        new("GET", ["V1", "store", "storeViews"], "Magento_Backend::store", (_, _) => Task.FromResult<JsonNode?>(SampleData.StoreViews())),
        new("GET", ["V1", "store", "storeGroups"], "Magento_Backend::store", (_, _) => Task.FromResult<JsonNode?>(SampleData.StoreGroups())),
        new("GET", ["V1", "products"], "Magento_Catalog::products", (call, catalog) => Task.FromResult<JsonNode?>(catalog.SearchProducts(call.Criteria()))),
        new("POST", ["V1", "products"], "Magento_Catalog::products", (call, catalog) =>
        {
            JsonObject product = call.ProductBody();
            string sku = product["sku"]?.GetValue<string>() ?? throw new RestError(400, "\"%fieldName\" is required. Enter and try again.", new JsonObject { ["fieldName"] = "sku" });
            return Task.FromResult<JsonNode?>(catalog.SaveProduct(sku, product));
        }),
        new("GET", ["V1", "products", ":sku"], "Magento_Catalog::products", (call, catalog) =>
            Task.FromResult<JsonNode?>(catalog.GetProduct(call.Sku) ?? throw RestError.NoSuchProduct())),
        new("PUT", ["V1", "products", ":sku"], "Magento_Catalog::products", (call, catalog) =>
            Task.FromResult<JsonNode?>(catalog.SaveProduct(call.Sku, call.ProductBody()))),
        new("DELETE", ["V1", "products", ":sku"], "Magento_Catalog::products", (call, catalog) =>
            Task.FromResult<JsonNode?>(catalog.DeleteProduct(call.Sku) ? JsonValue.Create(true) : throw RestError.NoSuchProduct())),
        new("GET", ["V1", "orders"], "Magento_Sales::actions_view", (call, catalog) => Task.FromResult<JsonNode?>(catalog.SearchOrders(call.Criteria()))),
    ];

    public static void Map(IEndpointRouteBuilder app) => app.Map("/rest/{**path}", HandleAsync);

    private static async Task HandleAsync(HttpContext context)
    {
        IServiceProvider services = context.RequestServices;
        var options = services.GetRequiredService<SandboxOptions>();
        var log = services.GetRequiredService<CallLog>();
        RawRequest request = await RawRequest.ReadAsync(context);
        PhpArray? oauthParameters = null;
        try
        {
            var (route, call, isAsync) = Match(request, context.Request.PathBase.Value ?? string.Empty, WebServerFront.StorePathBase(context), services.GetRequiredService<SandboxAddress>().BaseUrl)
                ?? throw new RestError(404, "Request does not match any route.");

            oauthParameters = request.OauthParameters();
            IntegrationRecord? caller = Authenticate(request, oauthParameters, services, options);
            if (caller is null || !(caller.Resources.Contains(IntegrationService.AllResources) || caller.Resources.Contains(route.Resource)))
            {
                throw new RestError(401, "The consumer isn't authorized to access %resources.", new JsonObject { ["resources"] = route.Resource });
            }

            JsonNode? result = await route.Handler(call, services.GetRequiredService<CatalogStore>());
            log.Accepted(services.GetRequiredService<SandboxStore>().Read(s => s.Consumers.FirstOrDefault(c => c.Id == caller.ConsumerId)?.Key));
            if (isAsync)
            {
                // WebapiAsync: 202 with the bulk and one accepted item; the sandbox has no queue and applies it at once.
                string hash = Convert.ToHexStringLower(SHA256.HashData(Php.Bytes.GetBytes(request.Body ?? string.Empty)));
                await Respond.Json(context, 202, new JsonObject
                {
                    ["bulk_uuid"] = Guid.NewGuid().ToString(),
                    ["request_items"] = new JsonArray(new JsonObject { ["id"] = 0, ["data_hash"] = hash, ["status"] = "accepted" }),
                    ["errors"] = false,
                });
                return;
            }

            await Respond.Json(context, 200, result);
        }
        catch (OauthError error)
        {
            log.Refused(oauthParameters?["oauth_consumer_key"] as string, error.TokenEndpointText);
            await Respond.Json(context, error.Status, ErrorBody(error));
        }
        catch (RestError error)
        {
            log.Refused(oauthParameters?["oauth_consumer_key"] as string, error.Message);
            var body = new JsonObject { ["message"] = error.Message };
            if (error.Parameters is not null)
            {
                body["parameters"] = error.Parameters;
            }

            await Respond.Json(context, error.Status, body);
        }
        catch (PhpFailure failure) when (!failure.Uncaught)
        {
            await Respond.Json(context, 500, new JsonObject { ["message"] = "Internal Error. Details are available in Magento log file. Report ID: webapi-" + Guid.NewGuid().ToString("N")[..13] });
        }
        catch (PhpFailure)
        {
            await Respond.Text(context, 500, "text/plain", RequestGuards.UncaughtErrorText);
        }
    }

    /// <summary>
    /// OauthUserContext: an "oauth " Authorization header is validated (failures propagate); the integration must be
    /// Active, else the caller is a guest. TokenUserContext: "Bearer &lt;token&gt;" with exactly two parts, honoured for
    /// integration tokens only when allowed (I/Model/OpaqueToken/Reader, off by default); otherwise a guest.
    /// </summary>
    private static IntegrationRecord? Authenticate(RawRequest request, PhpArray parameters, IServiceProvider services, SandboxOptions options)
    {
        var store = services.GetRequiredService<SandboxStore>();
        string? header = request.Authorization;
        if (header is not null && header.Contains("oauth ", StringComparison.OrdinalIgnoreCase))
        {
            RequestGuards.ThrowOnArrays(parameters, options.Signer);
            int consumerId = services.GetRequiredService<OauthProvider>().ValidateAccessTokenRequest(parameters, request.Method, request.RequestUrl);
            return store.Read(s => s.Integrations.FirstOrDefault(i => i.ConsumerId == consumerId && i.Status == 1));
        }

        string[] parts = header?.Split(' ') ?? [];
        if (options.AllowBearer && parts.Length == 2 && string.Equals(parts[0], "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return store.Read(s =>
            {
                TokenRecord? token = s.Tokens.FirstOrDefault(t => t.Token == parts[1] && t.Type == TokenRecord.Access && !t.Revoked);
                return token is null ? null : s.Integrations.FirstOrDefault(i => i.ConsumerId == token.ConsumerId && i.Status == 1);
            });
        }

        return null;
    }

    /// <param name="request">The request as received.</param>
    /// <param name="pathBase">What precedes <c>/rest</c> in the request target (a store's prefix, <c>/index.php</c>).</param>
    /// <param name="storePathBase">The store's own prefix, without <c>/index.php</c>, for its base URL.</param>
    /// <param name="baseUrl">The sandbox's base URL.</param>
    private static (Route Route, RestCall Call, bool IsAsync)? Match(RawRequest request, string pathBase, string storePathBase, string baseUrl)
    {
        string target = request.RawTarget[Math.Min(pathBase.Length, request.RawTarget.Length)..];
        baseUrl += storePathBase.TrimStart('/') + (storePathBase.Length > 0 ? "/" : string.Empty);
        int question = target.IndexOf('?', StringComparison.Ordinal);
        string path = question < 0 ? target : target[..question];
        string query = question < 0 ? string.Empty : target[(question + 1)..];
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        if (segments.Count > 0 && StoreCodes.Contains(segments[0]))
        {
            segments.RemoveAt(0);
        }

        bool isAsync = segments.Count > 0 && segments[0] == "async";
        if (isAsync)
        {
            segments.RemoveAt(0);
            if (request.Method == "GET")
            {
                return null;
            }
        }

        foreach (Route route in Routes)
        {
            if (route.Method != request.Method || route.Pattern.Length != segments.Count)
            {
                continue;
            }

            string? sku = null;
            bool matches = true;
            for (int i = 0; i < segments.Count && matches; i++)
            {
                if (route.Pattern[i] == ":sku")
                {
                    // W/Controller/Rest/Router/Route::match urldecodes variables: a raw '+' is a space, '%2B' a plus.
                    sku = Php.ToUtf8(Php.UrlDecode(segments[i]));
                }
                else
                {
                    matches = string.Equals(route.Pattern[i], segments[i], StringComparison.OrdinalIgnoreCase);
                }
            }

            if (matches)
            {
                return (route, new RestCall(baseUrl, query, sku ?? string.Empty, request.Body), isAsync);
            }
        }

        return null;
    }

    private static JsonObject ErrorBody(OauthError error)
    {
        if (error.MissingNames.Count > 1)
        {
            return new JsonObject
            {
                ["message"] = error.Phrase,
                ["errors"] = new JsonArray(error.MissingNames.Select(n => (JsonNode)new JsonObject
                {
                    ["message"] = OauthError.RequiredPhrase,
                    ["parameters"] = new JsonObject { ["fieldName"] = n },
                }).ToArray()),
            };
        }

        if (error.MissingNames.Count == 1)
        {
            return new JsonObject { ["message"] = OauthError.RequiredPhrase, ["parameters"] = new JsonObject { ["fieldName"] = error.MissingNames[0] } };
        }

        var body = new JsonObject { ["message"] = error.Phrase };
        if (error.Arguments.Count > 0)
        {
            body["parameters"] = new JsonArray(error.Arguments.Select(a => (JsonNode)JsonValue.Create(a)).ToArray());
        }

        return body;
    }

    private sealed record Route(string Method, string[] Pattern, string Resource, Func<RestCall, CatalogStore, Task<JsonNode?>> Handler);

    private sealed record RestCall(string BaseUrl, string Query, string Sku, string? Body)
    {
        public SearchCriteria Criteria() => SearchCriteria.Parse(Query)
            ?? throw new RestError(400, "\"%fieldName\" is required. Enter and try again.", new JsonObject { ["fieldName"] = "searchCriteria" });

        public JsonObject ProductBody()
        {
            try
            {
                return JsonNode.Parse(Php.ToUtf8(Body ?? string.Empty))?["product"] as JsonObject
                    ?? throw new RestError(400, "\"%fieldName\" is required. Enter and try again.", new JsonObject { ["fieldName"] = "product" });
            }
            catch (JsonException)
            {
                throw new RestError(400, "Decoding error.");
            }
        }
    }
}

/// <summary>A REST refusal: status, Magento's raw phrase and its parameters.</summary>
internal sealed class RestError(int status, string phrase, JsonNode? parameters = null) : Exception(phrase)
{
    public int Status { get; } = status;

    public JsonNode? Parameters { get; } = parameters;

    /// <summary>Magento: Catalog/Model/ProductRepository::get, a NoSuchEntityException (404).</summary>
    public static RestError NoSuchProduct() => new(404, "The product that was requested doesn't exist. Verify the product and try again.");
}
