using System.Diagnostics;

namespace MagentoOAuth.ProxyBench;

/// <summary>Sends requests from a fixed number of workers and measures each one's latency.</summary>
internal static class Load
{
    public sealed record Result(int Count, int Failures, double P50, double P99, double Throughput);

    public static async Task<Result> RunAsync(HttpClient client, string[] paths, int concurrency, int count)
    {
        long[] latencies = new long[count];
        int next = -1, failures = 0;
        var clock = Stopwatch.StartNew();
        async Task WorkerAsync()
        {
            for (int i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                long started = Stopwatch.GetTimestamp();
                using HttpResponseMessage response = await client.GetAsync(paths[i % paths.Length], HttpCompletionOption.ResponseContentRead);
                latencies[i] = Stopwatch.GetTimestamp() - started;
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkerAsync)));
        double seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        return new Result(count, failures, Ms(latencies[count / 2]), Ms(latencies[Math.Min(count - 1, (int)(count * 0.99))]), count / seconds);
    }
}
