namespace MagentoOAuth.Sandbox.Oauth;

/// <summary>
/// Magento's <c>Oauth\Exception</c> (401) and <c>OauthInputException</c> (400): a phrase with <c>%1</c>-style
/// placeholders and its arguments. Token endpoints send it rendered; REST sends phrase and parameters as JSON.
/// </summary>
internal sealed class OauthError(int status, string phrase, params string[] arguments) : Exception(Render(phrase, arguments))
{
    public int Status { get; } = status;

    public string Phrase { get; } = phrase;

    public IReadOnlyList<string> Arguments { get; } = arguments;

    public static OauthError Unauthorized(string phrase, params string[] arguments) => new(401, phrase, arguments);

    public static OauthError Input(string phrase, params string[] arguments) => new(400, phrase, arguments);

    /// <summary>
    /// F/Oauth/Oauth::_checkRequiredParams: one <c>"%fieldName" is required…</c> error per missing name. One alone is
    /// the exception's message; several make "One or more input exceptions have occurred.", which the token endpoints
    /// render with OauthInputException::getAggregatedErrorMessage (each without its trailing period, joined by ", ").
    /// </summary>
    public static OauthError MissingParameters(IReadOnlyList<string> names) =>
        new(400, names.Count == 1 ? RequiredPhrase : "One or more input exceptions have occurred.", names.Count == 1 ? [names[0]] : [])
        {
            MissingNames = names,
        };

    public const string RequiredPhrase = "\"%fieldName\" is required. Enter and try again.";

    /// <summary>The missing parameter names, for a missing-parameters error.</summary>
    public IReadOnlyList<string> MissingNames { get; private init; } = [];

    /// <summary>The text the token endpoints put in <c>oauth_problem</c>.</summary>
    public string TokenEndpointText => MissingNames.Count switch
    {
        0 => Message,
        1 => RequiredPhrase.Replace("%fieldName", MissingNames[0], StringComparison.Ordinal),
        _ => string.Join(", ", MissingNames.Select(n => RequiredPhrase.Replace("%fieldName", n, StringComparison.Ordinal).TrimEnd('.'))),
    };

    public static string Render(string phrase, IReadOnlyList<string> arguments)
    {
        string text = phrase;
        for (int i = arguments.Count; i >= 1; i--)
        {
            text = text.Replace("%" + i, arguments[i - 1], StringComparison.Ordinal);
        }

        return text;
    }
}

/// <summary>A PHP failure Magento does not catch as an OAuth error (an array where a string was expected, a TypeError).</summary>
internal sealed class PhpFailure(string message, bool uncaught) : Exception(message)
{
    /// <summary>
    /// True for a TypeError, which no Magento controller catches: the answer is F/App/Bootstrap's plain-text 500.
    /// False for a warning turned into an exception, which the controllers answer as an internal error.
    /// </summary>
    public bool Uncaught { get; } = uncaught;
}
