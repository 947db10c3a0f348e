namespace MagentoOAuth.Reliability.Tests;

/// <summary>Collects the suite's figures into reliability-results.txt beside the test assembly (docs/reliability.md quotes a run).</summary>
internal static class ReliabilityReport
{
    private static readonly Lock Sync = new();

    public static void Add(string line)
    {
        lock (Sync)
        {
            File.AppendAllText(Path.Combine(AppContext.BaseDirectory, "reliability-results.txt"), $"{DateTimeOffset.UtcNow:u}  {line}{Environment.NewLine}");
        }
    }
}
