using System.CommandLine;
using System.Globalization;
using System.Text;
using MagentoOAuth.Operations.Webhooks;

namespace MagentoOAuth.Cli.Commands;

/// <summary><c>serve --webhook URL --webhook-secret-file FILE [--webhook-max-delay D]</c>: its options, read and checked.</summary>
internal sealed class ServeWebhookOptions
{
    private readonly Option<string?> _url = new("--webhook")
    {
        Description = "POST a signed JSON event for every store transition (connected, rotated, failed, revoked, superseded, account_linked) to this http(s) URL, " +
                      "from an outbox in the database: at least once, in order per store (docs/webhooks.md).",
    };

    private readonly Option<string?> _secretFile = new("--webhook-secret-file")
    {
        Description = "A file holding the webhook's HMAC-SHA256 secret (at least 32 bytes, e.g. 'openssl rand -hex 32 > FILE'); read at start, never printed.",
    };

    private readonly Option<string> _maxDelay = new("--webhook-max-delay")
    {
        Description = "Longest wait between attempts at an event the receiver did not take (the wait doubles from 2s up to this): 10m, 30s, 1h.",
        DefaultValueFactory = _ => "10m",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_url);
        command.Options.Add(_secretFile);
        command.Options.Add(_maxDelay);
    }

    /// <summary>The webhook settings, or null without <c>--webhook</c>; a clear usage error for anything that cannot work.</summary>
    public ServeWebhooks? Read(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        string? url = parse.GetValue(_url), file = parse.GetValue(_secretFile);
        if (url is null)
        {
            return file is null ? null : throw new CliUsageException("--webhook-secret-file needs --webhook URL.");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? target) || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliUsageException("--webhook must be an absolute http(s) URL such as https://hooks.example.com/magento.");
        }

        if (target.UserInfo.Length > 0)
        {
            throw new CliUsageException("--webhook must not hold a user name or password; receivers check the X-MagentoOAuth-Signature header instead.");
        }

        if (file is null)
        {
            throw new CliUsageException("--webhook needs --webhook-secret-file FILE (a secret of at least 32 bytes, e.g. 'openssl rand -hex 32 > FILE').");
        }

        TimeSpan maxDelay = ParseDelay(parse.GetValue(_maxDelay)!);
        return new ServeWebhooks(target, ReadSecret(file), maxDelay);
    }

    /// <summary>The secret is the file's text without surrounding whitespace (so a trailing newline does not count).</summary>
    internal static string ReadSecret(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file, Encoding.UTF8).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"--webhook-secret-file '{file}' cannot be read: {(e is FileNotFoundException or DirectoryNotFoundException ? "it does not exist" : e.Message)}.");
        }

        int bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes == 0)
        {
            throw new CliUsageException($"--webhook-secret-file '{file}' is empty; put a secret of at least {WebhookOptions.MinSecretBytes} bytes in it, e.g. 'openssl rand -hex 32 > {file}'.");
        }

        if (bytes < WebhookOptions.MinSecretBytes)
        {
            throw new CliUsageException($"--webhook-secret-file '{file}' holds a secret of {bytes} bytes; at least {WebhookOptions.MinSecretBytes} are needed, e.g. 'openssl rand -hex 32 > {file}'.");
        }

        return text;
    }

    /// <summary>A positive number with s, m, h or d.</summary>
    internal static TimeSpan ParseDelay(string text)
    {
        if (text.Length >= 2 && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount) && amount > 0)
        {
            TimeSpan? span = char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (span is { } value && value >= new WebhookOptions().InitialRetryDelay)
            {
                return value;
            }
        }

        throw new CliUsageException($"--webhook-max-delay '{text}' is not a duration of at least 2s such as 30s, 10m or 1h.");
    }
}

/// <summary>What <c>serve</c> was asked to do with webhooks.</summary>
/// <param name="Url">The receiver.</param>
/// <param name="Secret">The HMAC key (never printed).</param>
/// <param name="MaxDelay">The longest wait between attempts.</param>
internal sealed record ServeWebhooks(Uri Url, string Secret, TimeSpan MaxDelay)
{
    public void Configure(WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Url = Url;
        options.Secret = Secret;
        options.MaxRetryDelay = MaxDelay;
    }

    /// <summary>The line <c>serve</c> prints: where events go, without the URL's query (it may hold a token).</summary>
    public string Describe() => $"Webhooks on: every store transition is posted, signed, to {Url.GetLeftPart(UriPartial.Path)} (retried until it answers 2xx).";

    /// <inheritdoc />
    public override string ToString() => $"ServeWebhooks {{ Url = {Url.GetLeftPart(UriPartial.Path)}, MaxDelay = {MaxDelay} }}";
}
