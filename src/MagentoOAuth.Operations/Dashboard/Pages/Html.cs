using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using MagentoOAuth.Storage;

namespace MagentoOAuth.Operations.Dashboard.Pages;

/// <summary>What every page writes the same way: encoded text, times, statuses (in words and a symbol, never colour alone).</summary>
internal static class Html
{
    // Markup characters and quotes are encoded; letters of any script stay readable in the page source.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>Text encoded for HTML content and attribute values (quotes included).</summary>
    public static string E(string? text) => text is null ? string.Empty : Encoder.Encode(text);

    /// <summary>A time as a <c>time</c> element: UTC, and how long ago.</summary>
    public static string Time(DateTimeOffset? at, DateTimeOffset now, string none = "never") => at is not { } t
        ? $"<span class=\"muted\">{E(none)}</span>"
        : $"<time datetime=\"{t.ToUniversalTime():yyyy-MM-dd'T'HH:mm:ss'Z'}\">{t.ToUniversalTime():yyyy-MM-dd HH:mm} UTC</time> <span class=\"muted\">({E(Age(now - t))} ago)</span>";

    /// <summary>A duration in its largest whole unit (e.g. <c>3 d</c>, <c>5 min</c>).</summary>
    public static string Age(TimeSpan age) => age switch
    {
        { TotalSeconds: < 60 } => $"{Math.Max(0, (int)age.TotalSeconds)} s",
        { TotalMinutes: < 60 } => $"{(int)age.TotalMinutes} min",
        { TotalHours: < 48 } => $"{(int)age.TotalHours} h",
        _ => $"{(int)age.TotalDays} d",
    };

    /// <summary>
    /// How a store is named on the pages: its host and path. Magento's store name (from storeConfigs) is its code,
    /// <c>default</c> on most stores, so it tells stores apart only after the address.
    /// </summary>
    public static string Label(StoreConnection connection) =>
        Uri.TryCreate(connection.StoreBaseUrl, UriKind.Absolute, out Uri? url) ? url.Authority + url.AbsolutePath.TrimEnd('/') : connection.StoreBaseUrl;

    public static string Number(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The status word (as on the command line), with a symbol and a class for its colour.</summary>
    public static string Status(StoreStatus status)
    {
        (string symbol, string word) = status switch
        {
            StoreStatus.Active => ("✓", "active"),
            StoreStatus.Failed => ("✗", "failed"),
            StoreStatus.Revoked => ("⚠", "revoked"),
            StoreStatus.Exchanging => ("…", "exchanging"),
            StoreStatus.Superseded => ("↷", "superseded"),
            _ => ("○", "pending"),
        };
        return $"<span class=\"status s-{word}\" data-status=\"{word}\"><span aria-hidden=\"true\">{symbol}</span> {word}</span>";
    }

    /// <summary>The status words accepted by the list's filter, in order.</summary>
    public static readonly IReadOnlyList<(string Word, StoreStatus Status)> StatusWords =
    [
        ("active", StoreStatus.Active), ("failed", StoreStatus.Failed), ("revoked", StoreStatus.Revoked),
        ("pending", StoreStatus.Pending), ("exchanging", StoreStatus.Exchanging), ("superseded", StoreStatus.Superseded),
    ];

    public static string Word(StoreStatus status) => StatusWords.First(s => s.Status == status).Word;
}
