using System.Globalization;

namespace MagentoOAuth.Sandbox.Faults;

/// <summary>What a fault does to a request.</summary>
public enum FaultKind
{
    /// <summary>Answer with an HTTP error status (500 by default) before Magento's code runs.</summary>
    Error,

    /// <summary>Wait <see cref="SandboxFault.DelayMilliseconds"/>, then answer normally.</summary>
    Slow,

    /// <summary>Drop the connection without an answer.</summary>
    Reset,

    /// <summary>Hold the request until the client gives up (bounded at 120 s), then drop it.</summary>
    Timeout,
}

/// <summary>
/// One injected failure: on which endpoint (<c>request</c>, <c>access</c>, <c>rest</c> or <c>*</c>), what, how likely,
/// and how many times at most. Written as <c>ENDPOINT:KIND[=VALUE]:PROBABILITY[:COUNT]</c>, e.g. <c>access:error=503:0.5</c>,
/// <c>rest:slow=2000:1</c>, <c>request:reset:0.2:10</c>, <c>*:timeout:0.1</c>.
/// </summary>
public sealed record SandboxFault(string Endpoint, FaultKind Kind, double Probability, int Status = 500, int DelayMilliseconds = 0, int? Count = null)
{
    private static readonly string[] Endpoints = ["request", "access", "rest", "*"];

    /// <summary>Parses the text form above.</summary>
    /// <param name="text">For example <c>access:error=503:0.5:20</c>.</param>
    /// <exception cref="FormatException">The text does not describe a fault, with what is wrong.</exception>
    public static SandboxFault Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(':');
        if (parts.Length is < 3 or > 4 || !Endpoints.Contains(parts[0]))
        {
            throw new FormatException($"'{text}' is not ENDPOINT:KIND[=VALUE]:PROBABILITY[:COUNT] with ENDPOINT one of request, access, rest, *.");
        }

        string[] kind = parts[1].Split('=', 2);
        if (!Enum.TryParse(kind[0], ignoreCase: true, out FaultKind parsedKind) || !Enum.IsDefined(parsedKind))
        {
            throw new FormatException($"'{parts[1]}' is not a fault kind: error[=STATUS], slow=MILLISECONDS, reset or timeout.");
        }

        if (!double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double probability) || probability is < 0 or > 1)
        {
            throw new FormatException($"'{parts[2]}' is not a probability between 0 and 1.");
        }

        int value = 0;
        if (kind.Length == 2 && !int.TryParse(kind[1], NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            throw new FormatException($"'{kind[1]}' is not a whole number.");
        }

        int? count = null;
        if (parts.Length == 4)
        {
            count = int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out int c) ? c : throw new FormatException($"'{parts[3]}' is not a count.");
        }

        return parsedKind switch
        {
            FaultKind.Error => new SandboxFault(parts[0], parsedKind, probability, Status: value == 0 ? 500 : value, Count: count),
            FaultKind.Slow when value <= 0 => throw new FormatException("slow needs a delay: slow=MILLISECONDS."),
            _ => new SandboxFault(parts[0], parsedKind, probability, DelayMilliseconds: value, Count: count),
        };
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Endpoint}:{Kind.ToString().ToLowerInvariant()}{(Kind == FaultKind.Error ? "=" + Status : Kind == FaultKind.Slow ? "=" + DelayMilliseconds : string.Empty)}:{Probability}{(Count is null ? string.Empty : ":" + Count)}");
}
