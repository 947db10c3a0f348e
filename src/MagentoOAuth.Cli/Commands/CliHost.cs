using Microsoft.AspNetCore.Builder;

namespace MagentoOAuth.Cli.Commands;

/// <summary>Runs a started server until Ctrl+C (the command's cancellation), then stops it cleanly.</summary>
internal static class CliHost
{
    public static async Task<int> RunUntilCancelledAsync(WebApplication app, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        return CliApp.Success;
    }
}
