using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Clients;

/// <summary>Hands out an <see cref="HttpClient"/> for a store: based at its REST root, every request signed with its credentials.</summary>
public interface IMagentoClientFactory
{
    /// <summary>A client for <paramref name="store"/>; <c>client.GetAsync("V1/products?…")</c> goes to <c>{base}rest/V1/products?…</c>.</summary>
    /// <param name="store">An active store.</param>
    /// <exception cref="InvalidOperationException">The store has no access token.</exception>
    HttpClient CreateClient(StoreConnection store);
}
