using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Storage;

namespace MagentoOAuth.EndToEnd.Tests;

/// <summary>
/// The endpoint as a separate <c>magento-oauth serve</c> process, killed (SIGKILL) after it persisted the request token
/// and while Magento is answering the access step; restarted on the same database, it resumes with the access step and
/// never asks for a second request token.
/// </summary>
public sealed class CrashResumeTests : EndToEndTestBase
{
    private readonly TaskCompletionSource _accessReached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _dropAccess = true;

    protected override SandboxOptions SandboxOptions => new()
    {
        BeforeTokenStep = async (step, cancellationToken) =>
        {
            if (step == "access" && _dropAccess)
            {
                _accessReached.TrySetResult();
                try
                {
                    // Held until the killed process's connection drops (bounded).
                    await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                }

                return false;
            }

            return true;
        },
    };

    [Fact]
    public async Task A_process_killed_between_request_and_access_token_resumes_after_restart()
    {
        int port = FreePort();
        using Process first = StartServe(port);
        var integration = await CreateIntegrationAsync(callbackUrl: $"http://127.0.0.1:{port}/magento/callback");
        await WaitForHttpAsync(port);
        await ActivateAsync((int)integration["id"]!);

        await _accessReached.Task.WaitAsync(Patience);
        StoreConnection atCrash = await WaitForAsync((string)integration["consumerKey"]!, s => s.Step == ExchangeStep.RequestToken);
        first.Kill(entireProcessTree: true);
        await first.WaitForExitAsync().WaitAsync(Patience);
        _dropAccess = false;

        using Process second = StartServe(port);
        try
        {
            StoreConnection resumed = await WaitForActiveAsync(atCrash.ConsumerKey);
            Assert.Equal(atCrash.Id, resumed.Id);

            var sandboxView = await SandboxIntegrationAsync(1);
            Assert.Equal((string)sandboxView["accessToken"]!, resumed.AccessToken);
            Assert.DoesNotContain("Cannot create request token because consumer token is not a verifier token", sandboxView["refusals"]!.ToJsonString(), StringComparison.Ordinal);
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync().WaitAsync(Patience);
        }
    }

    private Process StartServe(int port)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "magento-oauth.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", cli, "serve", "--urls", $"http://127.0.0.1:{port}", "--db", DatabasePath, "--allow-private-stores", "--claim-lease", "2", "--callback-limit", "0", "--max-unfinished-per-host", "1000"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Logs.Enqueue("serve: " + e.Data);
        process.ErrorDataReceived += (_, e) => Logs.Enqueue("serve: " + e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitForHttpAsync(int port)
    {
        DateTime until = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < until)
        {
            try
            {
                using HttpResponseMessage response = await Http.GetAsync($"http://127.0.0.1:{port}/magento/identity");
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException("magento-oauth serve did not start: " + string.Join('\n', Logs));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One Magento store, two integrations: the newer replaces the older only once its own tokens are verified.</summary>
public sealed class SupersedeTests : EndToEndTestBase
{
    [Fact]
    public async Task A_new_integration_for_a_known_store_supersedes_the_old_one_after_verification()
    {
        var older = await CreateIntegrationAsync("old");
        await ActivateAsync(1);
        StoreConnection first = await WaitForActiveAsync((string)older["consumerKey"]!);

        var newer = await CreateIntegrationAsync("new");
        await ActivateAsync(2);
        await WaitForActiveAsync((string)newer["consumerKey"]!);
        StoreConnection retired = await WaitForAsync(first.ConsumerKey, s => s.Status == StoreStatus.Superseded);

        Assert.Contains("Superseded", retired.StatusReason, StringComparison.Ordinal);
        Assert.Equal((await Store.FindByConsumerKeyAsync((string)newer["consumerKey"]!))!.Id, retired.SupersededBy);

        // The history line is written just after the status it records: the status may be seen a moment before it.
        IReadOnlyList<HistoryEntry> history = await Store.ListAsync(first.Id);
        for (int i = 0; i < 100 && !history.Any(h => h.Transition == ConnectionTransition.Superseded); i++)
        {
            await Task.Delay(50);
            history = await Store.ListAsync(first.Id);
        }

        Assert.Equal(ConnectionTransition.Superseded, Assert.Single(history, h => h.AccessTokenFingerprint is not null).Transition);
    }
}
