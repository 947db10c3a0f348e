using System.Diagnostics;
using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.PostgreSql;
using MagentoOAuth.Storage.Sqlite;

namespace MagentoOAuth.Scale;

/// <summary>
/// Fills a database through the public storage API with a fleet that has grown over time: 96% active, 3% failed,
/// 1% unfinished (activations whose consumer expired long ago, so serve fails them at once on start).
/// </summary>
internal static class Seeder
{
    public static async Task<IReadOnlyList<StoreConnection>> SeedAsync(string database, byte[] key, int count, TextWriter progress)
    {
        ICredentialStore store = PostgreSqlCredentialStore.IsPostgres(database)
            ? await PostgreSqlCredentialStore.OpenAsync(database, new SecretProtector(key))
            : await SqliteCredentialStore.OpenAsync(database, new SecretProtector(key));
        var samples = new List<StoreConnection>();
        DateTimeOffset start = DateTimeOffset.UtcNow.AddDays(-400);
        var clock = Stopwatch.StartNew();
        int done = 0;
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = PostgreSqlCredentialStore.IsPostgres(database) ? 8 : 1 }, async (i, ct) =>
        {
            StoreConnection connection = Make(i, start);
            if (!await store.InsertAsync(connection, ct))
            {
                throw new InvalidOperationException("seed row refused: " + connection.ConsumerKey);
            }

            if (i % 97 == 0)
            {
                lock (samples)
                {
                    samples.Add(connection);
                }
            }

            int n = Interlocked.Increment(ref done);
            if (n % 10_000 == 0)
            {
                progress.WriteLine($"  seeded {n:N0} of {count:N0} ({clock.Elapsed.TotalSeconds:0} s)");
            }
        });
        if (store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        return samples;
    }

    /// <summary>How many activations are still unfinished (what serve's worker has left to do).</summary>
    public static async Task<int> CountUnfinishedAsync(string database, byte[] key)
    {
        ICredentialStore store = PostgreSqlCredentialStore.IsPostgres(database)
            ? new PostgreSqlCredentialStore(database, new SecretProtector(key))
            : new SqliteCredentialStore(database, new SecretProtector(key));
        try
        {
            return (await store.ListUnfinishedAsync(10_000)).Count;
        }
        finally
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    private static StoreConnection Make(int i, DateTimeOffset start)
    {
        string Token(string kind) => (kind + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N"))[..32];
        DateTimeOffset received = start.AddMinutes(i * 5.0);
        bool unfinished = i % 100 == 50;
        bool failed = !unfinished && i % 100 is 10 or 20 or 30;
        return new StoreConnection
        {
            Id = Guid.NewGuid(),
            StoreBaseUrl = $"https://shop{i}.example.com/",
            ConsumerKey = Token("ck"),
            ConsumerSecret = Token("cs"),
            Verifier = unfinished ? Token("vf") : null,
            AccessToken = unfinished || failed ? null : Token("at"),
            AccessTokenSecret = unfinished || failed ? null : Token("as"),
            Status = unfinished ? StoreStatus.Pending : failed ? StoreStatus.Failed : StoreStatus.Active,
            StatusReason = failed ? "Magento said \"Consumer key has expired\"." : null,
            Step = unfinished ? ExchangeStep.Received : failed ? ExchangeStep.Received : ExchangeStep.Verified,
            ReceivedAt = unfinished ? DateTimeOffset.UtcNow.AddHours(-1) : received,
            UpdatedAt = received,
            StoreName = failed || unfinished ? null : "default",
            Locale = failed || unfinished ? null : "en_US",
            Currency = failed || unfinished ? null : "USD",
        };
    }
}
