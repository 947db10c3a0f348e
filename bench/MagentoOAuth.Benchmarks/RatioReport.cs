using System.Globalization;
using BenchmarkDotNet.Reports;

namespace MagentoOAuth.Benchmarks;

/// <summary>
/// After a signing run, the figures issue #6 sets goals for, one line per request: MagentoOAuth's time as a multiple
/// of the HMAC floor (goal at most 1.5), how many times faster than RestSharp (goal at least 10), and what it allocates
/// (goal: the header string only).
/// </summary>
internal static class RatioReport
{
    public static void Write(IEnumerable<Summary> summaries, TextWriter output)
    {
        foreach (Summary summary in summaries)
        {
            var requests = summary.Reports
                .Where(r => r.ResultStatistics is not null)
                .GroupBy(r => string.Join(", ", r.BenchmarkCase.Descriptor.Categories))
                .Where(g => g.Key.Length > 0)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToList();
            if (requests.Count == 0)
            {
                continue;
            }

            output.WriteLine();
            output.WriteLine("request                                | ours      | x floor (goal <= 1.5) | faster than RestSharp (goal >= 10) | allocated");
            foreach (var request in requests)
            {
                BenchmarkReport? floor = Find(request, "Floor");
                BenchmarkReport? ours = Find(request, "MagentoOAuth");
                BenchmarkReport? restSharp = Find(request, "RestSharp");
                if (ours is null)
                {
                    continue;
                }

                double mean = ours.ResultStatistics!.Mean;
                string toFloor = floor is null ? "-" : Format(mean / floor.ResultStatistics!.Mean, 1.5, atMost: true);
                string toRestSharp = restSharp is null ? "-" : Format(restSharp.ResultStatistics!.Mean / mean, 10, atMost: false);
                long? bytes = ours.GcStats.GetBytesAllocatedPerOperation(ours.BenchmarkCase);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{request.Key,-38} | {mean / 1000,6:0.000} us | {toFloor,-21} | {toRestSharp,-34} | {bytes} B"));
            }
        }
    }

    private static BenchmarkReport? Find(IEnumerable<BenchmarkReport> reports, string prefix) =>
        reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name.StartsWith(prefix, StringComparison.Ordinal));

    private static string Format(double ratio, double goal, bool atMost) =>
        string.Create(CultureInfo.InvariantCulture, $"{ratio:0.00} ({((atMost ? ratio <= goal : ratio >= goal) ? "met" : "not met")})");
}
