using Microsoft.AspNetCore.Http;

namespace MagentoOAuth.Sandbox.Faults;

/// <summary>Applies the active faults to requests, before Magento's code; the set can be replaced at run time.</summary>
public sealed class FaultInjector
{
    private readonly Lock _lock = new();
    private readonly Random _random;
    private List<(SandboxFault Fault, int Remaining)> _faults = [];

    /// <summary>Creates an injector; a seed makes the sequence of injected faults repeatable.</summary>
    /// <param name="faults">The initial faults.</param>
    /// <param name="seed">A random seed, or null.</param>
    public FaultInjector(IEnumerable<SandboxFault> faults, int? seed = null)
    {
        _random = seed is null ? new Random() : new Random(seed.Value);
        Replace(faults);
    }

    /// <summary>How many requests a fault was injected into, by fault.</summary>
    public int Injected { get; private set; }

    /// <summary>The active faults.</summary>
    public IReadOnlyList<SandboxFault> Faults
    {
        get
        {
            lock (_lock)
            {
                return _faults.Where(f => f.Remaining != 0).Select(f => f.Fault).ToList();
            }
        }
    }

    /// <summary>Replaces the active faults.</summary>
    /// <param name="faults">The new faults; empty to stop injecting.</param>
    public void Replace(IEnumerable<SandboxFault> faults)
    {
        lock (_lock)
        {
            _faults = faults.Select(f => (f, f.Count ?? -1)).ToList();
        }
    }

    /// <summary>Runs a fault on the request if one fires; returns true when the request was answered or dropped.</summary>
    internal async Task<bool> ApplyAsync(HttpContext context)
    {
        string endpoint = context.Request.Path.StartsWithSegments("/oauth/token/request") ? "request"
            : context.Request.Path.StartsWithSegments("/oauth/token/access") ? "access"
            : context.Request.Path.StartsWithSegments("/rest") ? "rest"
            : "";
        if (endpoint.Length == 0)
        {
            return false;
        }

        SandboxFault? fault = null;
        lock (_lock)
        {
            for (int i = 0; i < _faults.Count && fault is null; i++)
            {
                var (candidate, remaining) = _faults[i];
                if (remaining != 0 && (candidate.Endpoint == "*" || candidate.Endpoint == endpoint) && _random.NextDouble() < candidate.Probability)
                {
                    fault = candidate;
                    _faults[i] = (candidate, remaining > 0 ? remaining - 1 : remaining);
                    Injected++;
                }
            }
        }

        switch (fault?.Kind)
        {
            case null:
                return false;
            case FaultKind.Slow:
                await Task.Delay(fault.DelayMilliseconds, context.RequestAborted);
                return false;
            case FaultKind.Error:
                context.Response.StatusCode = fault.Status;
                context.Response.ContentType = "text/html; charset=UTF-8";
                await context.Response.WriteAsync($"<html><body><h1>{fault.Status}</h1>Injected by the sandbox.</body></html>", context.RequestAborted);
                return true;
            case FaultKind.Reset:
                context.Abort();
                return true;
            default:
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(120), context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }

                context.Abort();
                return true;
        }
    }
}
