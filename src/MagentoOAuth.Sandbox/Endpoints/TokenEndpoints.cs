using MagentoOAuth.Sandbox.Oauth;
using MagentoOAuth.Sandbox.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MagentoOAuth.Sandbox.Endpoints;

/// <summary>
/// <c>{base}oauth/token/request</c> and <c>…/access</c> (I/Controller/Token/Request.php, Access.php). Every HTTP method
/// is accepted (the actions implement no Http*ActionInterface) and goes into the base string. Answers are
/// <c>http_build_query</c> bodies served with PHP's default Content-Type, text/html.
/// </summary>
internal static class TokenEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.Map("/oauth/token/request", context => HandleAsync(context, "request", (provider, p, r) => provider.GetRequestToken(p, r.Method, r.RequestUrl)));
        app.Map("/oauth/token/access", context => HandleAsync(context, "access", (provider, p, r) => provider.GetAccessToken(p, r.Method, r.RequestUrl)));
    }

    private static async Task HandleAsync(HttpContext context, string name, Func<OauthProvider, PhpArray, RawRequest, (string Token, string Secret)> step)
    {
        var provider = context.RequestServices.GetRequiredService<OauthProvider>();
        var log = context.RequestServices.GetRequiredService<CallLog>();
        var options = context.RequestServices.GetRequiredService<SandboxOptions>();
        if (options.BeforeTokenStep is { } hook && !await hook(name, context.RequestAborted))
        {
            context.Abort();
            return;
        }

        RawRequest request = await RawRequest.ReadAsync(context);
        PhpArray parameters = request.OauthParameters();
        try
        {
            RequestGuards.ThrowOnArrays(parameters, options.Signer);
            var (token, secret) = step(provider, parameters, request);
            log.Accepted(parameters["oauth_consumer_key"] as string);
            await Form(context, 200, "oauth_token=" + Uri.EscapeDataString(token) + "&oauth_token_secret=" + Uri.EscapeDataString(secret));
        }
        catch (OauthError error)
        {
            log.Refused(parameters["oauth_consumer_key"] as string, error.TokenEndpointText);
            await Form(context, error.Status, "oauth_problem=" + HttpBuildQueryValue(error.TokenEndpointText));
        }
        catch (PhpFailure failure) when (!failure.Uncaught)
        {
            // F/Oauth/Helper/Request::prepareErrorResponse: anything else is internal_error with the PHP message.
            await Form(context, 500, "oauth_problem=" + HttpBuildQueryValue("internal_error&message=" + failure.Message));
        }
        catch (PhpFailure)
        {
            await Respond.Text(context, 500, "text/plain", RequestGuards.UncaughtErrorText);
        }
    }

    private static Task Form(HttpContext context, int status, string body) => Respond.Html(context, status, body);

    /// <summary>PHP's http_build_query value encoding (urlencode: a space is '+').</summary>
    private static string HttpBuildQueryValue(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);
}
