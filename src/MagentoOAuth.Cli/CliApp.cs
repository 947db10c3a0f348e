using System.CommandLine;
using MagentoOAuth.Cli.Commands;

namespace MagentoOAuth.Cli;

/// <summary>
/// The <c>magento-oauth</c> command line. Exit codes: 0 success, 1 the operation failed (Magento refused, network),
/// 2 bad input (usage, a malformed URL, a missing secret). Standard output carries only the result; everything else
/// goes to standard error.
/// </summary>
internal static class CliApp
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand(
            "magento-oauth: OAuth 1.0a for Magento 2 / Adobe Commerce integrations.\n" +
            "Sign and explain requests exactly as Magento verifies them.\n\n" +
            "Exit codes: 0 success, 1 the operation failed, 2 bad input.");
        root.Add(DemoCommand.Create());
        root.Add(SignCommand.Create());
        root.Add(SandboxCommand.Create());
        root.Add(ServeCommand.Create());
        root.Add(StoresCommand.Create());
        root.Add(CallCommand.Create());
        root.Add(DoctorCommand.Create());
        root.Add(VerifyCommand.Create());
        root.Add(KeysCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        RootCommand root = CreateRootCommand();
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            string command = parse.CommandResult.Command is RootCommand ? string.Empty : " " + parse.CommandResult.Command.Name;
            // The parser's messages may span lines (lists of allowed values); one line reads better in scripts and logs.
            string message = string.Join(' ', parse.Errors[0].Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Replace(": '", " '", StringComparison.Ordinal);
            await error.WriteLineAsync($"magento-oauth: error: {message} Run 'magento-oauth{command} --help' for usage.");
            return UsageError;
        }

        try
        {
            // On SIGTERM servers get time to finish what is in flight (serve drains exchanges up to 15 s) before the process ends.
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromSeconds(30) }, cancellationToken);
        }
        catch (CliUsageException usage)
        {
            await error.WriteLineAsync($"magento-oauth: error: {usage.Message}");
            return UsageError;
        }
    }
}

/// <summary>Bad input that the parser could not catch; reported as one line with exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
