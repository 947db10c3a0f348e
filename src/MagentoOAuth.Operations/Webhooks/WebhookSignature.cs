using System.Security.Cryptography;

namespace MagentoOAuth.Operations.Webhooks;

/// <summary>The <c>X-MagentoOAuth-Signature</c> header: <c>sha256=</c> and the lower-case hex HMAC-SHA256 of the raw body.</summary>
internal static class WebhookSignature
{
    public const string Header = "X-MagentoOAuth-Signature";

    public const string EventIdHeader = "X-MagentoOAuth-Event-Id";

    public static string Of(byte[] secret, byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body));
}
