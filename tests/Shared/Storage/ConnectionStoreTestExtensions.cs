using MagentoOAuth.Storage;

namespace MagentoOAuth.Tests.Infrastructure;

/// <summary>For assertions only: every connection, page by page (production code never reads the whole table).</summary>
public static class ConnectionStoreTestExtensions
{
    public static async Task<IReadOnlyList<StoreConnection>> ListAllAsync(this IConnectionStore store)
    {
        var all = new List<StoreConnection>();
        string? after = null;
        do
        {
            ConnectionPage page = await store.ListAsync(new ConnectionQuery { After = after, PageSize = ConnectionQuery.MaxPageSize });
            all.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null);
        return all;
    }
}
