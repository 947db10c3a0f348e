namespace MagentoOAuth.Cli.Tests;

/// <summary>Runs the real command line in-process and captures what it writes.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string FirstLine => Output.Split('\n')[0].TrimEnd('\r');
    }

    public static async Task<Result> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CliApp.RunAsync(args, output, error);
        return new Result(exit, output.ToString(), error.ToString());
    }
}
