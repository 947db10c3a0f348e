namespace MagentoOAuth.Exchange;

/// <summary>A token and its secret as Magento issued them. <see cref="ToString"/> never shows the secret.</summary>
/// <param name="Token">The token (<c>oauth_token</c>).</param>
/// <param name="Secret">The token secret (<c>oauth_token_secret</c>).</param>
public sealed record OAuthToken(string Token, string Secret)
{
    /// <inheritdoc />
    public override string ToString() => $"OAuthToken {{ Token = {Signing.SecretMask.Mask(Token)}, Secret = *** }}";
}
