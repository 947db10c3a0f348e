using System.Text;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.Operations.Webhooks;

/// <summary>Checks <see cref="WebhookOptions"/> at start-up, naming every field that cannot work (never showing the secret).</summary>
internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Url is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add("WebhookOptions.Url must be an absolute http(s) URL.");
        }
        else if (url.UserInfo.Length > 0)
        {
            failures.Add("WebhookOptions.Url must not hold a user name or password: receivers verify the signature instead.");
        }

        int secretBytes = options.Secret is null ? 0 : Encoding.UTF8.GetByteCount(options.Secret);
        if (secretBytes < WebhookOptions.MinSecretBytes)
        {
            failures.Add($"WebhookOptions.Secret must be at least {WebhookOptions.MinSecretBytes} bytes (it is {secretBytes}); e.g. the output of 'openssl rand -hex 32'.");
        }

        void Positive(TimeSpan value, string field)
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"WebhookOptions.{field} must be positive (it is {value}).");
            }
        }

        Positive(options.RequestTimeout, nameof(options.RequestTimeout));
        Positive(options.InitialRetryDelay, nameof(options.InitialRetryDelay));
        Positive(options.PollInterval, nameof(options.PollInterval));
        Positive(options.DeliveredRetention, nameof(options.DeliveredRetention));
        if (options.MaxRetryDelay < options.InitialRetryDelay)
        {
            failures.Add($"WebhookOptions.MaxRetryDelay ({options.MaxRetryDelay}) must be at least InitialRetryDelay ({options.InitialRetryDelay}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
