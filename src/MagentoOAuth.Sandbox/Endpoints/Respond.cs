using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace MagentoOAuth.Sandbox.Endpoints;

/// <summary>Writes answers byte-for-byte as Magento sends them.</summary>
internal static class Respond
{
    public static Task Text(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body, Encoding.UTF8, context.RequestAborted);
    }

    public static Task Json(HttpContext context, int status, JsonNode? body) =>
        Text(context, status, "application/json; charset=utf-8", body?.ToJsonString() ?? "null");

    public static Task Html(HttpContext context, int status, string html) => Text(context, status, "text/html; charset=UTF-8", html);

    /// <summary>The 4xx answers of the scriptable API: <c>{"error": "…"}</c>.</summary>
    public static Task ApiError(HttpContext context, int status, string message) => Json(context, status, new JsonObject { ["error"] = message });
}
