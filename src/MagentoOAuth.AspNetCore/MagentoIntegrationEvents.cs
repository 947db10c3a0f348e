using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Http;

namespace MagentoOAuth.AspNetCore;

/// <summary>Extension points of the integration endpoint.</summary>
public class MagentoIntegrationEvents
{
    /// <summary>
    /// Called when the merchant confirms on the identity page within the link window, before the redirect back to
    /// Magento. Require your own sign-in here and link the store to an account: set <see cref="LinkAccountContext.AccountId"/>;
    /// or write your own response (a redirect to your login page) and set <see cref="LinkAccountContext.Handled"/>.
    /// </summary>
    public Func<LinkAccountContext, Task> OnLinkAccount { get; set; } = _ => Task.CompletedTask;

    /// <summary>
    /// Called once for every transition of a connection (received, exchanging, active, failed, revoked, superseded,
    /// reauthorized, account linked), after it was stored. An exception here is logged and changes nothing.
    /// </summary>
    public Func<StatusChangedContext, Task> OnStatusChanged { get; set; } = _ => Task.CompletedTask;
}

/// <summary>The store being confirmed on the identity page, and the request.</summary>
/// <param name="httpContext">The confirm request.</param>
/// <param name="store">The store.</param>
public sealed class LinkAccountContext(HttpContext httpContext, StoreConnection store)
{
    /// <summary>The confirm request (its user, cookies…).</summary>
    public HttpContext HttpContext { get; } = httpContext;

    /// <summary>The store being linked.</summary>
    public StoreConnection Store { get; } = store;

    /// <summary>Your account id for this store; kept with the store.</summary>
    public string? AccountId { get; set; }

    /// <summary>Set when you wrote the response yourself; the endpoint then does nothing more.</summary>
    public bool Handled { get; set; }
}
