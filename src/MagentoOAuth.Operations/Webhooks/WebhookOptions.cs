namespace MagentoOAuth.Operations.Webhooks;

/// <summary>Where lifecycle events are posted, how they are signed and how failed deliveries are retried (validated at start).</summary>
public sealed class WebhookOptions
{
    /// <summary>The shortest secret accepted, in UTF-8 bytes (HMAC-SHA256's block is 64; 32 random bytes are out of reach).</summary>
    public const int MinSecretBytes = 32;

    /// <summary>The receiver: an absolute http(s) URL. Events are POSTed to it; redirects are not followed.</summary>
    public Uri? Url { get; set; }

    /// <summary>The HMAC-SHA256 key (its UTF-8 bytes), at least <see cref="MinSecretBytes"/> bytes; never logged.</summary>
    public string? Secret { get; set; }

    /// <summary>How long one delivery may take before it counts as failed and is retried.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait after a first failed delivery; it doubles with every further failure, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between two attempts at one event. Events are retried until the receiver answers 2xx.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the outbox is read without a wake-up: events written by other instances go out within this.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long delivered events are kept in the outbox before they are deleted.</summary>
    public TimeSpan DeliveredRetention { get; set; } = TimeSpan.FromDays(7);
}
