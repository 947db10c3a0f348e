using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Clients;

/// <summary>
/// Hands out an <see cref="HttpClient"/> for a store: based at its REST root, every request signed with the store's
/// current credentials, read per request (cached by version), so a client made before a Reauthorize signs with the
/// new tokens once they are verified. While the store is not active, requests fail at once with a
/// <see cref="MagentoOAuth.Errors.MagentoOAuthException"/> (<see cref="MagentoOAuth.Errors.MagentoProblem.ConnectionNotActive"/>)
/// instead of sending dead tokens to Magento.
/// </summary>
public interface IMagentoClientFactory
{
    /// <summary>A client for the connection <paramref name="connectionId"/>; <c>client.GetAsync("V1/products?…")</c> goes to <c>{base}rest/V1/products?…</c>.</summary>
    /// <param name="connectionId">The connection's id.</param>
    /// <exception cref="ArgumentException">No such connection is known when the first request is sent (the request fails then).</exception>
    HttpClient CreateClient(Guid connectionId);

    /// <summary>The same as <see cref="CreateClient(Guid)"/> for <paramref name="connection"/>'s id: its credentials are still read per request.</summary>
    /// <param name="connection">A stored connection.</param>
    HttpClient CreateClient(StoreConnection connection);
}
