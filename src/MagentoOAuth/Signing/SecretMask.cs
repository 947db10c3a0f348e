namespace MagentoOAuth.Signing;

/// <summary>How identifiers are shown in logs, errors and explanations: enough to tell them apart, never all of them.</summary>
public static class SecretMask
{
    /// <summary>
    /// Shows the first four characters of a key or token and hides the rest (<c>ck01…</c>); short values are hidden
    /// entirely. Secrets themselves are never passed here: they are always shown as <c>***</c>.
    /// </summary>
    /// <param name="value">The key or token.</param>
    public static string Mask(string? value) => value switch
    {
        null => "null",
        { Length: >= 12 } => string.Concat(value.AsSpan(0, 4), "…"),
        _ => "…",
    };
}
