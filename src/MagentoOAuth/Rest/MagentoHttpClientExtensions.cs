using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MagentoOAuth.Errors;

namespace MagentoOAuth.Rest;

/// <summary>JSON calls to a store's REST API through a signed client, with Magento's refusals as <see cref="MagentoOAuthException"/>.</summary>
public static class MagentoHttpClientExtensions
{
    /// <summary>Throws <see cref="MagentoOAuthException"/> (status, Magento's message, cause and fix) unless the answer is a success.</summary>
    /// <param name="response">The answer.</param>
    /// <param name="cancellationToken">Cancels reading an error body.</param>
    public static async Task EnsureMagentoSuccessAsync(this HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!response.IsSuccessStatusCode)
        {
            throw await MagentoErrorParser.ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>GETs <paramref name="relativeUri"/> (e.g. <c>V1/products/24-MB01</c>) and reads the JSON answer as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="client">A signed client based at the store's REST root.</param>
    /// <param name="relativeUri">The path below the REST root.</param>
    /// <param name="typeInfo">Source-generated JSON metadata for <typeparamref name="T"/> (trimming- and AOT-safe).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public static async Task<T> GetMagentoJsonAsync<T>(this HttpClient client, string relativeUri, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        using HttpResponseMessage response = await client.GetAsync(relativeUri, cancellationToken).ConfigureAwait(false);
        await response.EnsureMagentoSuccessAsync(cancellationToken).ConfigureAwait(false);
        Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            return (await JsonSerializer.DeserializeAsync(body, typeInfo, cancellationToken).ConfigureAwait(false))!;
        }
    }

    /// <summary>
    /// Reads every page of a list endpoint (<c>V1/products</c>, <c>V1/orders</c>…) and yields its items, reporting
    /// progress after each page. Stops at the total Magento reports, at an empty page, or after <paramref name="maxPages"/>.
    /// </summary>
    /// <param name="client">A signed client based at the store's REST root.</param>
    /// <param name="path">The list path, e.g. <c>V1/orders</c>.</param>
    /// <param name="criteria">Filters and sort orders; its page size is used (100 if unset).</param>
    /// <param name="progress">Receives (items so far, total) after each page.</param>
    /// <param name="maxPages">An upper bound on requests.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    public static async IAsyncEnumerable<JsonElement> GetAllPagesAsync(
        this HttpClient client,
        string path,
        SearchCriteria? criteria = null,
        IProgress<MagentoPageProgress>? progress = null,
        int maxPages = 10_000,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        criteria ??= new SearchCriteria();
        string query = criteria.ToQueryString();
        if (!query.Contains("pageSize", StringComparison.Ordinal))
        {
            criteria = criteria.OnPage(1).PageSize(100);
        }

        int seen = 0;
        for (int page = 1; page <= maxPages; page++)
        {
            using HttpResponseMessage response = await client.GetAsync(path + "?" + criteria.OnPage(page).ToQueryString(), cancellationToken).ConfigureAwait(false);
            await response.EnsureMagentoSuccessAsync(cancellationToken).ConfigureAwait(false);
            using JsonDocument document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
            JsonElement items = document.RootElement.GetProperty("items");
            int total = document.RootElement.TryGetProperty("total_count", out JsonElement count) ? count.GetInt32() : -1;
            int onPage = 0;
            foreach (JsonElement item in items.EnumerateArray())
            {
                onPage++;
                yield return item.Clone();
            }

            seen += onPage;
            progress?.Report(new MagentoPageProgress(page, seen, total));
            if (onPage == 0 || (total >= 0 && seen >= total))
            {
                yield break;
            }
        }
    }
}

/// <summary>How far <see cref="MagentoHttpClientExtensions.GetAllPagesAsync"/> got.</summary>
/// <param name="Page">The page just read.</param>
/// <param name="Items">Items read so far.</param>
/// <param name="Total">The total Magento reports, or -1.</param>
public readonly record struct MagentoPageProgress(int Page, int Items, int Total);
