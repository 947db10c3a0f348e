using MagentoOAuth.Cli.Commands;

namespace MagentoOAuth.Cli.Tests;

/// <summary>serve's limit options: durations read as operators write them, bad values refused before anything starts.</summary>
public sealed class ServeOptionsTests
{
    [Theory]
    [InlineData("7d", 7 * 24 * 60)]
    [InlineData("12h", 12 * 60)]
    [InlineData("30m", 30)]
    [InlineData("1.5h", 90)]
    public void Retention_is_a_number_with_a_unit(string text, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), ServeCommand.ParseRetention(text));

    [Fact]
    public void Forever_keeps_failed_activations() =>
        Assert.Equal(Timeout.InfiniteTimeSpan, ServeCommand.ParseRetention("forever"));

    [Theory]
    [InlineData("--retain-failed", "7", "is not a duration")]
    [InlineData("--retain-failed", "-1d", "is not a duration")]
    [InlineData("--retain-failed", "0d", "is not a duration")]
    [InlineData("--callback-limit", "-5", "must be 0 (no limit) or more")]
    [InlineData("--max-unfinished-per-host", "0", "must be at least 1")]
    public async Task Bad_values_are_refused_before_the_database_is_opened(string option, string value, string message)
    {
        string db = Path.Combine(Path.GetTempPath(), "magento-oauth-never-" + Guid.NewGuid().ToString("N") + ".db");
        CliRunner.Result result = await CliRunner.RunAsync("serve", "--urls", "http://127.0.0.1:0", "--db", db, option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(db), "nothing was created");
    }

    [Fact]
    public async Task Help_teaches_the_limits()
    {
        CliRunner.Result help = await CliRunner.RunAsync("serve", "--help");
        foreach (string option in new[] { "--callback-limit", "--callback-limit-total", "--max-unfinished-per-host", "--retain-failed", "--forwarded-headers" })
        {
            Assert.Contains(option, help.Output, StringComparison.Ordinal);
        }
    }
}
