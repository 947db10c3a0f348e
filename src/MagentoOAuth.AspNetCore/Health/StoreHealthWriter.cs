using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.AspNetCore.Health;

/// <summary>Writes the tracker's counts every <see cref="MagentoIntegrationOptions.HealthWriteInterval"/>, and once more when the host stops.</summary>
internal sealed class StoreHealthWriter(StoreHealthTracker tracker, IOptions<MagentoIntegrationOptions> options, TimeProvider time) : BackgroundService
{
    private PeriodicTimer? _timer;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Made here, not in ExecuteAsync (which runs on another thread): the first interval counts from the start.
        _timer = tracker.Persistent ? new PeriodicTimer(options.Value.HealthWriteInterval, time) : null;
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_timer is null)
        {
            return;
        }

        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                // Failures are logged and the counts kept by the tracker; the next tick tries again.
                await tracker.FlushAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await tracker.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }
}
