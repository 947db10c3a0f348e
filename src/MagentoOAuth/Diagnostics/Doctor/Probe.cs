using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace MagentoOAuth.Diagnostics.Doctor;

/// <summary>One HTTP answer as the checks need it: status, a few headers, the start of the body, Magento's message if any.</summary>
internal sealed record Probe(HttpStatusCode Status, string? Location, string? BasicRealm, string? ContentType, string Body, DateTimeOffset? Date)
{
    public const int MaxBody = 64 * 1024;

    public bool IsRedirect => (int)Status is >= 300 and < 400 && Location is not null;

    /// <summary>Magento's REST error shape, <c>{"message": …, "parameters": …}</c> (F/Webapi/ErrorProcessor.php).</summary>
    public string? MagentoMessage
    {
        get
        {
            if (Body.Length == 0 || Body.TrimStart() is not ['{', ..])
            {
                return null;
            }

            try
            {
                using JsonDocument json = JsonDocument.Parse(Body);
                return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.String
                    ? message.GetString()
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>Magento's message with its parameters filled in (it sends <c>%name</c> placeholders and the values apart).</summary>
    public string? RenderedMessage
    {
        get
        {
            if (MagentoMessage is not { } template)
            {
                return null;
            }

            using JsonDocument json = JsonDocument.Parse(Body);
            return json.RootElement.TryGetProperty("parameters", out JsonElement parameters) ? Errors.MagentoErrorParser.Render(template, parameters) : template;
        }
    }

    /// <summary>The <c>resources</c> parameter of "The consumer isn't authorized to access %resources.".</summary>
    public string? DeniedResources
    {
        get
        {
            try
            {
                using JsonDocument json = JsonDocument.Parse(Body);
                return json.RootElement.TryGetProperty("parameters", out JsonElement p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("resources", out JsonElement r) && r.ValueKind == JsonValueKind.String
                    ? r.GetString()
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    public bool IsGuestRefusal => MagentoMessage?.StartsWith("The consumer isn't authorized to access", StringComparison.Ordinal) == true;

    public static async Task<Probe> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? realm = null;
        foreach (AuthenticationHeaderValue challenge in response.Headers.WwwAuthenticate)
        {
            if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
            {
                realm = challenge.Parameter is { } p && p.StartsWith("realm=", StringComparison.OrdinalIgnoreCase) ? p[6..].Trim('"') : string.Empty;
            }
        }

        Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using System.Runtime.CompilerServices.ConfiguredAsyncDisposable disposeStream = stream.ConfigureAwait(false);
        byte[] buffer = new byte[MaxBody];
        int read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false) is var n and > 0)
        {
            read += n;
        }

        string? location = response.Headers.Location is { } l ? (l.IsAbsoluteUri ? l.AbsoluteUri : l.OriginalString) : null;
        return new Probe(response.StatusCode, location, realm, response.Content.Headers.ContentType?.MediaType,
            System.Text.Encoding.UTF8.GetString(buffer, 0, read), response.Headers.Date);
    }

    public string Describe() => $"HTTP {(int)Status}{(ContentType is null ? string.Empty : " " + ContentType)}{(RenderedMessage is { } m ? $" \"{Shorten(m)}\"" : string.Empty)}";

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "…";
}
