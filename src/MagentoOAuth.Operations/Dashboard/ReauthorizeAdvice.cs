using MagentoOAuth.Signing;
using MagentoOAuth.Storage;

namespace MagentoOAuth.Operations.Dashboard;

/// <summary>What the merchant clicks to bring a store back, in the words of the Magento admin's menus.</summary>
internal static class ReauthorizeAdvice
{
    /// <summary>
    /// The admin path. We never learn the integration's name in Magento, so it is named by what its Integration Info tab
    /// shows: the start of its consumer key (not a secret; the rest stays hidden).
    /// </summary>
    public static string AdminPath(StoreConnection connection) =>
        $"System › Extensions › Integrations › the integration with consumer key {SecretMask.Mask(connection.ConsumerKey)} › Reauthorize";
}
