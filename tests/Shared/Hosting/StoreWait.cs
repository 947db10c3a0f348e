using System.Diagnostics;
using MagentoOAuth.Storage;

namespace MagentoOAuth.Tests.Infrastructure;

/// <summary>The tests' one bounded wait for a stored connection to get somewhere (exchanges run in the background).</summary>
internal static class StoreWait
{
    /// <summary>Polls the connection with <paramref name="consumerKey"/> until <paramref name="done"/> holds, for at most <paramref name="patience"/>.</summary>
    public static async Task<StoreConnection> ForAsync(IConnectionStore store, string consumerKey, Func<StoreConnection, bool> done, TimeSpan patience, string? context = null)
    {
        var clock = Stopwatch.StartNew();
        StoreConnection? last = null;
        while (clock.Elapsed < patience)
        {
            last = await store.FindByConsumerKeyAsync(consumerKey);
            if (last is not null && done(last))
            {
                return last;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"Store {consumerKey}{(context is null ? "" : $" ({context})")} did not get there within {patience.TotalSeconds} s; last: {last?.Status} {last?.Step} {last?.StatusReason}");
    }
}
