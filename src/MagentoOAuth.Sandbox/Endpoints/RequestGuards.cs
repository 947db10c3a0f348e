using MagentoOAuth.Sandbox.Oauth;

namespace MagentoOAuth.Sandbox.Endpoints;

/// <summary>Failures that happen before any OAuth check, depending on the generation.</summary>
internal static class RequestGuards
{
    /// <summary>F/App/Bootstrap::terminate: the plain-text answer for an error nothing caught.</summary>
    public const string UncaughtErrorText = "An error has happened during application run. See exception log for details.";

    /// <summary>
    /// G3–G4 <c>Helper/Request::prepareRequest</c> rawurlencodes every value: an array (a bracketed form field) is a
    /// TypeError; an all-digit form field name is one too in G4 (<c>_isProtocolParameter</c> under strict_types).
    /// G1–G2 fail later, in the signer (see <see cref="Signers"/>).
    /// </summary>
    public static void ThrowOnArrays(PhpArray parameters, SignerGeneration generation)
    {
        if (generation < SignerGeneration.G3)
        {
            return;
        }

        foreach (var (key, value) in parameters.Items)
        {
            if (value is PhpArray)
            {
                throw new PhpFailure("TypeError: rawurlencode(): Argument #1 ($string) must be of type string, array given", uncaught: true);
            }

            if (generation == SignerGeneration.G4 && Php.IsIntegerKey(key))
            {
                throw new PhpFailure("TypeError: preg_match(): Argument #2 ($subject) must be of type string, int given", uncaught: true);
            }
        }
    }
}
