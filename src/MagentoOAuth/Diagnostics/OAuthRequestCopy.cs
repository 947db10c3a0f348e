using MagentoOAuth.Signing;

namespace MagentoOAuth.Diagnostics;

/// <summary>A request with another URL: <see cref="OAuthRequest.Uri"/> is set only by the constructor, which checks it.</summary>
internal static class OAuthRequestCopy
{
    public static OAuthRequest WithUri(this OAuthRequest request, Uri uri) => new(request.Method, uri)
    {
        FormBody = request.FormBody,
        Verifier = request.Verifier,
        Nonce = request.Nonce,
        Timestamp = request.Timestamp,
        Host = request.Host,
        OmitVersion = request.OmitVersion,
        SignatureMethod = request.SignatureMethod,
        Profile = request.Profile,
    };
}
