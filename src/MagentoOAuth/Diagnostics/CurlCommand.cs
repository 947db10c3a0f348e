using System.Globalization;
using System.Text;

namespace MagentoOAuth.Diagnostics;

/// <summary>
/// A curl command line (bash quoting, as "Copy as cURL" and Postman write it) read into the request curl would send,
/// with curl's own defaults: <c>-d</c> means POST with <c>Content-Type: application/x-www-form-urlencoded</c> unless a
/// header says otherwise, several <c>-d</c> are joined with <c>&amp;</c>, <c>-G</c> moves them into the query.
/// </summary>
internal static class CurlCommand
{
    // Options that take a value but do not change what is signed.
    private static readonly HashSet<string> SkippedWithValue = new(StringComparer.Ordinal)
    {
        "-A", "--user-agent", "-e", "--referer", "-b", "--cookie", "-c", "--cookie-jar", "-o", "--output", "--connect-timeout",
        "-m", "--max-time", "--cacert", "--capath", "-E", "--cert", "--key", "-x", "--proxy", "--resolve", "--connect-to", "-w",
        "--write-out", "--retry", "--retry-delay", "--max-redirs", "--limit-rate", "-r", "--range", "--interface",
    };

    // Flags: no value, no effect on the signature.
    private static readonly HashSet<char> SkippedShortFlags = ['L', 'k', 's', 'S', 'i', 'v', 'f', 'g', 'N', '#', 'q', 'O', 'j', 'n', '4', '6', 'Z', 'l'];

    public static CapturedRequest Parse(string commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        List<string> words = ShellWords.Split(commandLine);
        if (words.Count == 0 || !(words[0] == "curl" || words[0].EndsWith("/curl", StringComparison.Ordinal) || words[0] == "curl.exe"))
        {
            throw new FormatException("the command must start with 'curl' (copy it with your browser's or Postman's \"Copy as cURL\", bash form).");
        }

        string? method = null;
        string? url = null;
        bool get = false, head = false;
        var headers = new List<KeyValuePair<string, string>>();
        var data = new List<string>();
        string? user = null;
        for (int i = 1; i < words.Count; i++)
        {
            string word = words[i];
            string Value()
            {
                if (i + 1 >= words.Count)
                {
                    throw new FormatException($"curl option '{word}' needs a value.");
                }

                return words[++i];
            }

            if (word.Length > 2 && word[0] == '-' && word[1] != '-' && word[1] is 'X' or 'H' or 'd' or 'u')
            {
                // Short options with the value attached: -XPOST, -H'Accept: …'.
                words.Insert(i + 1, word[2..]);
                word = word[..2];
            }

            switch (word)
            {
                case "-X" or "--request":
                    method = Value();
                    break;
                case "-H" or "--header":
                    headers.Add(Header(Value()));
                    break;
                case "-d" or "--data" or "--data-ascii" or "--data-raw" or "--data-binary":
                    string raw = Value();
                    if (word != "--data-raw" && raw.StartsWith('@'))
                    {
                        throw new FormatException($"'{word} {raw}' reads the body from a file: put the body in the command (--data-raw '…') so it can be checked.");
                    }

                    data.Add(raw); // curl strips line breaks only from data it reads from a file
                    break;
                case "--data-urlencode":
                    data.Add(UrlEncodeData(Value()));
                    break;
                case "-G" or "--get":
                    get = true;
                    break;
                case "-I" or "--head":
                    head = true;
                    break;
                case "-u" or "--user":
                    user = Value();
                    break;
                case "--url":
                    url = url is null ? Value() : throw new FormatException("the command names more than one URL; verify one request at a time.");
                    break;
                case "-F" or "--form" or "-T" or "--upload-file":
                    throw new FormatException($"'{word}' sends a multipart or uploaded body, which OAuth never signs; verify the request without it.");
                case "--location" or "--insecure" or "--silent" or "--show-error" or "--include" or "--verbose" or "--fail" or "--globoff"
                    or "--compressed" or "--http1.0" or "--http1.1" or "--http2" or "--http2-prior-knowledge" or "--no-buffer" or "--location-trusted" or "--raw":
                    break;
                default:
                    if (SkippedWithValue.Contains(word))
                    {
                        Value();
                    }
                    else if (word.StartsWith("--", StringComparison.Ordinal))
                    {
                        throw new FormatException($"curl option '{word}' is not known here; remove it if it does not change the request.");
                    }
                    else if (word.Length > 1 && word[0] == '-' && word.Skip(1).All(SkippedShortFlags.Contains))
                    {
                        // -sSL and the like.
                    }
                    else if (word.StartsWith('-') && word.Length > 1)
                    {
                        throw new FormatException($"curl option '{word}' is not known here; remove it if it does not change the request.");
                    }
                    else
                    {
                        url = url is null ? word : throw new FormatException("the command names more than one URL; verify one request at a time.");
                    }

                    break;
            }
        }

        if (url is null)
        {
            throw new FormatException("the command names no URL.");
        }

        if (!url.Contains("://", StringComparison.Ordinal))
        {
            url = "http://" + url; // curl's default scheme
        }

        string? body = data.Count == 0 ? null : string.Join('&', data);
        if (get && body is not null)
        {
            url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + body;
            body = null;
        }

        if (body is not null && !headers.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(new("Content-Type", "application/x-www-form-urlencoded")); // what curl sends with -d
        }

        if (user is not null && !headers.Any(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(new("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user))));
        }

        method ??= head ? "HEAD" : body is not null ? "POST" : "GET";
        return new CapturedRequest(method, url, headers, body);
    }

    private static KeyValuePair<string, string> Header(string text)
    {
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new FormatException($"-H '{text}' is not 'Name: value'.");
        }

        return new(text[..colon].Trim(), text[(colon + 1)..].Trim());
    }

    /// <summary>curl's --data-urlencode forms: <c>content</c>, <c>=content</c>, <c>name=content</c>.</summary>
    private static string UrlEncodeData(string value)
    {
        if (value.StartsWith('@') || (value.IndexOf('@', StringComparison.Ordinal) is > 0 and var at && !value[..at].Contains('=', StringComparison.Ordinal)))
        {
            throw new FormatException($"--data-urlencode '{value}' reads a file: put the value in the command.");
        }

        int equals = value.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? Uri.EscapeDataString(value)
            : equals == 0 ? Uri.EscapeDataString(value[1..])
            : value[..equals] + "=" + Uri.EscapeDataString(value[(equals + 1)..]);
    }

    /// <summary>Splits a bash command line into words: quotes, <c>$'…'</c> escapes, backslashes, line continuations.</summary>
    internal static class ShellWords
    {
        public static List<string> Split(string line)
        {
            var words = new List<string>();
            var word = new StringBuilder();
            bool inWord = false;
            for (int i = 0; i < line.Length; i++)
            {
                char c = line[i];
                switch (c)
                {
                    case ' ' or '\t' or '\r' or '\n':
                        if (inWord)
                        {
                            words.Add(word.ToString());
                            word.Clear();
                            inWord = false;
                        }

                        break;
                    case '\\':
                        if (i + 1 < line.Length && line[i + 1] is '\n' or '\r')
                        {
                            i += line[i + 1] == '\r' && i + 2 < line.Length && line[i + 2] == '\n' ? 2 : 1; // continuation
                            break;
                        }

                        if (i + 1 < line.Length)
                        {
                            word.Append(line[++i]);
                        }

                        inWord = true;
                        break;
                    case '\'':
                        int close = line.IndexOf('\'', i + 1);
                        if (close < 0)
                        {
                            throw new FormatException("a single quote is not closed.");
                        }

                        word.Append(line, i + 1, close - i - 1);
                        i = close;
                        inWord = true;
                        break;
                    case '$' when i + 1 < line.Length && line[i + 1] == '\'':
                        i = AnsiC(line, i + 2, word);
                        inWord = true;
                        break;
                    case '"':
                        i = DoubleQuoted(line, i + 1, word);
                        inWord = true;
                        break;
                    default:
                        word.Append(c);
                        inWord = true;
                        break;
                }
            }

            if (inWord)
            {
                words.Add(word.ToString());
            }

            return words;
        }

        private static int DoubleQuoted(string line, int i, StringBuilder word)
        {
            for (; i < line.Length; i++)
            {
                char c = line[i];
                if (c == '"')
                {
                    return i;
                }

                if (c == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\' or '$' or '`' or '\n')
                {
                    if (line[++i] != '\n')
                    {
                        word.Append(line[i]);
                    }

                    continue;
                }

                if (c is '$' or '`' && i + 1 < line.Length && (line[i + 1] is '(' or '{' || char.IsAsciiLetter(line[i + 1]) || c == '`'))
                {
                    throw new FormatException("the command expands a shell variable or command inside double quotes; paste it with the values filled in.");
                }

                word.Append(c);
            }

            throw new FormatException("a double quote is not closed.");
        }

        private static int AnsiC(string line, int i, StringBuilder word)
        {
            for (; i < line.Length; i++)
            {
                char c = line[i];
                if (c == '\'')
                {
                    return i;
                }

                if (c != '\\' || i + 1 >= line.Length)
                {
                    word.Append(c);
                    continue;
                }

                char e = line[++i];
                switch (e)
                {
                    case 'n': word.Append('\n'); break;
                    case 't': word.Append('\t'); break;
                    case 'r': word.Append('\r'); break;
                    case 'x' or 'u':
                        int length = e == 'x' ? 2 : 4;
                        int digits = 0;
                        while (digits < length && i + 1 + digits < line.Length && char.IsAsciiHexDigit(line[i + 1 + digits]))
                        {
                            digits++;
                        }

                        if (digits == 0)
                        {
                            word.Append('\\').Append(e);
                            break;
                        }

                        word.Append((char)int.Parse(line.AsSpan(i + 1, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += digits;
                        break;
                    default: word.Append(e); break; // \\ \' \"
                }
            }

            throw new FormatException("a $'…' quote is not closed.");
        }
    }
}
