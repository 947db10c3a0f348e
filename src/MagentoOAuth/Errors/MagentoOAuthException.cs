namespace MagentoOAuth.Errors;

/// <summary>
/// Magento refused a request, or answered in a way no Magento endpoint should. Carries the HTTP status, Magento's own
/// message with its placeholders filled in, and a plain cause and fix. Never carries a secret, a token or a query
/// string of ours; Magento's own message can quote an input value (a field name, a signature method).
/// </summary>
public class MagentoOAuthException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="problem">What went wrong.</param>
    /// <param name="status">The HTTP status, if there was an answer.</param>
    /// <param name="magentoMessage">Magento's message, placeholders filled in.</param>
    /// <param name="cause">What usually causes it, in plain words.</param>
    /// <param name="fix">What to do.</param>
    /// <param name="request">Where the request went, e.g. <c>POST https://shop.example.com/oauth/token/request</c> (no query).</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public MagentoOAuthException(
        MagentoProblem problem,
        int? status,
        string? magentoMessage,
        string cause,
        string fix,
        string? request = null,
        Exception? innerException = null)
        : base(Compose(status, magentoMessage, cause, fix, request), innerException)
    {
        Problem = problem;
        Status = status;
        MagentoMessage = magentoMessage;
        Cause = cause;
        Fix = fix;
        Request = request;
    }

    /// <summary>What went wrong.</summary>
    public MagentoProblem Problem { get; }

    /// <summary>The HTTP status Magento answered with, if it answered.</summary>
    public int? Status { get; }

    /// <summary>Magento's message, placeholders filled in (e.g. "The consumer isn't authorized to access Magento_Catalog::products.").</summary>
    public string? MagentoMessage { get; }

    /// <summary>What usually causes this, in plain words.</summary>
    public string Cause { get; }

    /// <summary>What to do about it.</summary>
    public string Fix { get; }

    /// <summary>The method and URL without its query (<c>GET https://shop.example.com/rest/V1/orders</c>).</summary>
    public string? Request { get; }

    private static string Compose(int? status, string? magentoMessage, string cause, string fix, string? request)
    {
        string said = magentoMessage is null ? string.Empty : $"Magento said: \"{magentoMessage}\"";
        string where = request is null ? string.Empty : $" ({request}{(status is null ? string.Empty : $" → {status}")})";
        return $"{said}{where}. Cause: {cause} Fix: {fix}".TrimStart('.', ' ');
    }
}
