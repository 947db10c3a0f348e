using MagentoOAuth.Sandbox.Oauth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace MagentoOAuth.Sandbox.Endpoints;

/// <summary>
/// A request as Magento's PHP sees it: <c>getScheme() . '://' . HTTP_HOST . REQUEST_URI</c>, with the Host header and
/// the request target exactly as they arrived (not a path ASP.NET Core has decoded), and the body as bytes.
/// </summary>
internal sealed record RawRequest(string Method, string RequestUrl, string RawTarget, string? Authorization, string? ContentType, string? Body)
{
    public const int MaxBodyBytes = 1024 * 1024;

    public static async Task<RawRequest> ReadAsync(HttpContext context)
    {
        string target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (context.Request.PathBase + context.Request.Path + context.Request.QueryString).ToString();
        string host = context.Request.Headers.Host.ToString();
        string? body = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            if (buffer.Length > MaxBodyBytes)
            {
                throw new BadHttpRequestException("The body is too large.", StatusCodes.Status413PayloadTooLarge);
            }

            body = Php.Bytes.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }

        return new RawRequest(
            context.Request.Method,
            context.Request.Scheme + "://" + host + target,
            target,
            context.Request.Headers.Authorization.Count > 0 ? context.Request.Headers.Authorization.ToString() : null,
            context.Request.ContentType,
            body);
    }

    public PhpArray OauthParameters() => RequestReader.Read(Authorization, ContentType, Body, RequestUrl);
}
