namespace MagentoOAuth.Diagnostics;

/// <summary>Raw HTTP/1.1 request text (RFC 9112 §3) read into a <see cref="CapturedRequest"/>.</summary>
internal static class RawHttpRequest
{
    public static CapturedRequest Parse(string text, string scheme)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (scheme is not ("http" or "https"))
        {
            throw new FormatException($"the scheme must be http or https, not '{scheme}'.");
        }

        string normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\n');
        int headEnd = normalized.IndexOf("\n\n", StringComparison.Ordinal);
        string head = headEnd < 0 ? normalized.TrimEnd('\n') : normalized[..headEnd];
        string? body = headEnd < 0 ? null : normalized[(headEnd + 2)..];
        string[] lines = head.Split('\n');
        string[] requestLine = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/", StringComparison.Ordinal))
        {
            throw new FormatException($"the first line must be 'METHOD TARGET HTTP/1.1', not '{Shorten(lines[0])}'.");
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"'{Shorten(line)}' is not a header line (NAME: VALUE).");
            }

            headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }

        string target = requestLine[1];
        string url;
        if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            url = target;
        }
        else if (target.StartsWith('/'))
        {
            string host = headers.FirstOrDefault(h => h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)).Value
                ?? throw new FormatException("the request target is a path, so a Host header is needed to know the URL.");
            url = $"{scheme}://{host}{target}";
        }
        else
        {
            throw new FormatException($"the request target '{Shorten(target)}' is neither a path nor an absolute URL.");
        }

        body = Body(body, headers.FirstOrDefault(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value);

        return new CapturedRequest(requestLine[0], url, headers, body);
    }

    /// <summary>
    /// The body as sent: Content-Length bytes when the header says how many (what an editor appends is not part of
    /// it), else the text without the one line break a file ends with.
    /// </summary>
    private static string? Body(string? body, string? contentLength)
    {
        if (string.IsNullOrEmpty(body))
        {
            return null;
        }

        if (int.TryParse(contentLength, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int length))
        {
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(body);
            return length == 0 ? null : System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(length, bytes.Length));
        }

        string trimmed = body.EndsWith('\n') ? body[..^1] : body;
        return trimmed.Length == 0 ? null : trimmed;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
