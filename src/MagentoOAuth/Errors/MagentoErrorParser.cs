using System.Net.Http.Headers;
using System.Text.Json;

namespace MagentoOAuth.Errors;

/// <summary>
/// The one place that turns Magento's refusals into <see cref="MagentoOAuthException"/>: token endpoints answer
/// <c>oauth_problem=&lt;message&gt;</c> (F/Oauth/Helper/Request.php prepareErrorResponse), REST answers
/// <c>{"message", "parameters"}</c> (F/Webapi/ErrorProcessor.php).
/// </summary>
public static class MagentoErrorParser
{
    /// <summary>At most this much of an error body is read; Magento's are a few hundred bytes.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>Reads a failed response and returns the exception that describes it. Does not dispose the response.</summary>
    /// <param name="response">A response with a non-success status.</param>
    /// <param name="cancellationToken">Cancels reading the body.</param>
    public static async Task<MagentoOAuthException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        string body = await ReadBodyAsync(response.Content, cancellationToken).ConfigureAwait(false);
        return FromBody((int)response.StatusCode, body, response.Content.Headers.ContentType, Describe(response.RequestMessage));
    }

    /// <summary>Classifies an error body already read.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="body">The body text.</param>
    /// <param name="contentType">The Content-Type, if any.</param>
    /// <param name="request">The method and URL without query, for the message.</param>
    public static MagentoOAuthException FromBody(int status, string body, MediaTypeHeaderValue? contentType = null, string? request = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        string trimmed = body.Trim();
        string? message = null;
        if (trimmed.StartsWith("oauth_problem=", StringComparison.Ordinal))
        {
            message = FormValue(trimmed, "oauth_problem");
            // Magento: anything not an OAuth exception becomes oauth_problem=internal_error&message=… (then encoded once more).
            if (message is not null && message.StartsWith("internal_error&message=", StringComparison.Ordinal))
            {
                return new MagentoOAuthException(MagentoProblem.ServerError, status, message["internal_error&message=".Length..],
                    "Magento failed while handling the token request (a PHP error).",
                    "Look in the store's var/log/exception.log; a form body with bracketed names is a known cause.", request);
            }
        }
        else if (trimmed.StartsWith('{') || contentType?.MediaType == "application/json")
        {
            message = JsonMessage(trimmed);
        }

        if (message is not null && MagentoErrorCatalog.Find(message) is { } known)
        {
            return new MagentoOAuthException(known.Problem, status, message, known.Cause, known.Fix, request);
        }

        return ByStatus(status, message ?? Excerpt(trimmed), trimmed, request);
    }

    /// <summary>Fills Magento's placeholders: <c>%1</c>, <c>%2</c>… from a JSON array, <c>%name</c> from an object.</summary>
    /// <param name="template">Magento's phrase.</param>
    /// <param name="parameters">The <c>parameters</c> element, or <see langword="default"/>.</param>
    public static string Render(string template, JsonElement parameters)
    {
        ArgumentNullException.ThrowIfNull(template);
        var values = new List<KeyValuePair<string, string>>();
        if (parameters.ValueKind == JsonValueKind.Array)
        {
            int index = 1;
            foreach (JsonElement item in parameters.EnumerateArray())
            {
                values.Add(new((index++).ToString(System.Globalization.CultureInfo.InvariantCulture), Text(item)));
            }
        }
        else if (parameters.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in parameters.EnumerateObject())
            {
                values.Add(new(property.Name, Text(property.Value)));
            }
        }

        // Longest names first, so %10 is not read as %1 followed by 0.
        string rendered = template;
        foreach (var (name, value) in values.OrderByDescending(v => v.Key.Length))
        {
            rendered = rendered.Replace("%" + name, value, StringComparison.Ordinal);
        }

        return rendered;
    }

    internal static string Describe(HttpRequestMessage? request) =>
        request?.RequestUri is { IsAbsoluteUri: true } uri
            ? $"{request.Method} {uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)}"
            : request?.Method.ToString() ?? "request";

    /// <summary>
    /// Reads at most <see cref="MaxBodyBytes"/> of the body, buffered so the caller can read it again; a larger body is
    /// not read at all (Magento's refusals are small; a large answer is not one of them).
    /// </summary>
    internal static async Task<string> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        try
        {
            await content.LoadIntoBufferAsync(MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return string.Empty;
        }

        return await content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    private static MagentoOAuthException ByStatus(int status, string? message, string body, string? request)
    {
        bool html = body.StartsWith('<') || body.Contains("<html", StringComparison.OrdinalIgnoreCase);
        return status switch
        {
            _ when html && status is >= 200 and < 300 => new(MagentoProblem.UnexpectedResponse, status, null,
                "An HTML page answered where Magento's OAuth endpoint should: the store base URL is wrong (a missing index.php/ or store code) or a proxy answered.",
                "Use the store_base_url Magento posted to the callback, unchanged.", request),
            404 => new(MagentoProblem.NotFound, status, message,
                "The resource does not exist, or the URL is not a Magento REST or OAuth route.",
                "Check the path (REST paths start with /rest/V1/ or /rest/<store_code>/V1/).", request),
            401 => new(MagentoProblem.Unknown, status, message,
                "Magento refused the credentials.", "Check the keys and tokens; run 'magento-oauth sign --explain' to see what was signed.", request),
            400 => new(MagentoProblem.InvalidInput, status, message,
                "Magento refused the input.", "Read Magento's message; check the request body and parameters.", request),
            >= 300 and < 400 => new(MagentoProblem.UnexpectedResponse, status, message,
                "The store redirected the request; a redirected OAuth request no longer matches its signature.",
                "Use the URL it redirects to (https, www, index.php/) as the store base URL.", request),
            >= 500 => new(MagentoProblem.ServerError, status, message,
                "Magento failed while handling the request.", "Look in the store's var/log/exception.log for the report id.", request),
            _ => new(MagentoProblem.Unknown, status, message,
                "Magento answered with an unexpected status.", "Read Magento's message.", request),
        };
    }

    private static string? JsonMessage(string body)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("message", out JsonElement message) || message.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            return Render(message.GetString()!, root.TryGetProperty("parameters", out JsonElement parameters) ? parameters : default);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? FormValue(string form, string name)
    {
        foreach (string pair in form.Split('&'))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && pair.AsSpan(0, equals).SequenceEqual(name))
            {
                return Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            }
        }

        return null;
    }

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static string? Excerpt(string body) =>
        body.Length == 0 || body.StartsWith('<') ? null : body.Length <= 200 ? body : body[..200] + "…";
}
