namespace MagentoOAuth.Operations.Webhooks;

/// <summary>
/// The wait before the next attempt at an event: exponential from <see cref="WebhookOptions.InitialRetryDelay"/>,
/// capped at <see cref="WebhookOptions.MaxRetryDelay"/>, with ±25 % jitter so the events that failed together (a
/// receiver outage) do not come back together.
/// </summary>
internal static class WebhookBackoff
{
    /// <param name="options">The delays.</param>
    /// <param name="attempts">Attempts made so far (1 after the first failure).</param>
    /// <param name="random">A number in [0, 1).</param>
    public static TimeSpan Delay(WebhookOptions options, int attempts, double random)
    {
        double exponent = Math.Min(Math.Max(attempts - 1, 0), 30);
        double ticks = Math.Min(options.InitialRetryDelay.Ticks * Math.Pow(2, exponent), options.MaxRetryDelay.Ticks);
        return TimeSpan.FromTicks((long)Math.Min(ticks * (0.75 + (0.5 * random)), options.MaxRetryDelay.Ticks));
    }
}
