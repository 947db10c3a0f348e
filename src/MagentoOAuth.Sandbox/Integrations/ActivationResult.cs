namespace MagentoOAuth.Sandbox.Integrations;

/// <summary>What Activate or Reauthorize did, as the admin's JavaScript would receive it.</summary>
/// <param name="IdentityLinkUrl">The popup URL with <c>oauth_consumer_key</c> and <c>success_call_back</c>; null for a manual integration.</param>
/// <param name="SuccessCallBack">The admin URL that closes the popup.</param>
/// <param name="ConsumerKey">The consumer key.</param>
/// <param name="CallbackStatus">The HTTP status the Callback URL answered (any status counts as posted).</param>
/// <param name="CallbackError">Magento's message when the POST failed in transport (no popup opens then).</param>
/// <param name="Manual">For an integration without the two URLs: its four credentials, shown at once.</param>
/// <param name="CallbackMilliseconds">How long the Callback URL took to answer (Magento gives it 5 s).</param>
public sealed record ActivationResult(
    string? IdentityLinkUrl,
    string SuccessCallBack,
    string ConsumerKey,
    int? CallbackStatus,
    string? CallbackError,
    ManualCredentials? Manual,
    double? CallbackMilliseconds = null);

/// <summary>The four credentials Magento shows for a manual integration (I/Block/Adminhtml/Integration/Tokens.php).</summary>
public sealed record ManualCredentials(string ConsumerKey, string ConsumerSecret, string AccessToken, string AccessTokenSecret);
