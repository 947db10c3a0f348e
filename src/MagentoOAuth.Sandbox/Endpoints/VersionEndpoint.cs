using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MagentoOAuth.Sandbox.Endpoints;

/// <summary>
/// Magento_Version (app/code/Magento/Version): frontName <c>magento_version</c> (etc/frontend/routes.xml), so
/// <c>/magento_version</c>, <c>…/index</c> and <c>…/index/index</c> reach Controller/Index/Index.php. It answers
/// ProductMetadata's name, major.minor only and edition, <c>Magento/2.4 (Community)</c>, as a raw body with no
/// Content-Type of its own (PHP's default, text/html; charset=UTF-8). It is an HttpGetActionInterface: other methods
/// fail HttpMethodValidator and end on the storefront's 404, as does every path when the module is disabled.
/// </summary>
internal static class VersionEndpoint
{
    public const string Text = "Magento/2.4 (Community)";

    public static void Map(IEndpointRouteBuilder app)
    {
        // Map (every method) rather than MapGet: routing would answer 405 for a POST, where Magento answers 404.
        foreach (string path in (string[])["/magento_version", "/magento_version/index", "/magento_version/index/index"])
        {
            app.Map(path, Handle);
        }
    }

    private static Task Handle(HttpContext context)
    {
        bool get = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method); // HttpMethodValidator maps HEAD to HttpGetActionInterface too (HttpHeadActionInterface is deprecated for it)
        if (!get || !context.RequestServices.GetRequiredService<SandboxOptions>().ExposeVersion)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound; // what every unknown storefront path answers
            return Task.CompletedTask;
        }

        return Respond.Html(context, StatusCodes.Status200OK, Text);
    }
}
