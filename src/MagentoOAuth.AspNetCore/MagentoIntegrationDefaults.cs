namespace MagentoOAuth.AspNetCore;

/// <summary>Default paths and values of the integration endpoint.</summary>
public static class MagentoIntegrationDefaults
{
    /// <summary>The prefix <c>MapMagentoIntegration</c> uses unless given one.</summary>
    public const string PathPrefix = "/magento";

    /// <summary>The Callback URL's path below the prefix.</summary>
    public const string CallbackPath = "/callback";

    /// <summary>The Identity Link URL's path below the prefix.</summary>
    public const string IdentityPath = "/identity";

    /// <summary>A callback is four short fields; anything larger is refused with 413.</summary>
    public const int MaxCallbackBytes = 4096;
}
