namespace MagentoOAuth.Signing;

/// <summary>One reason some Magento signer generations would refuse a request.</summary>
/// <param name="Generations">The generations that refuse it (<see cref="SignatureProfile.MagentoG1"/>…<see cref="SignatureProfile.MagentoG4"/>).</param>
/// <param name="Reason">What in the request they read differently, or fail on.</param>
/// <param name="Advice">How to send it so they accept it.</param>
/// <param name="Rule">
/// A stable id for the rule (<c>raw-plus</c>, <c>natural-order</c>, <c>path-escape</c>, …). Safe to log: unlike
/// <paramref name="Reason"/>, it quotes nothing from the request.
/// </param>
public sealed record PortabilityIssue(IReadOnlyList<SignatureProfile> Generations, string Reason, string Advice, string Rule)
{
    /// <summary>The generations as text, e.g. <c>G1, G2, G3</c>.</summary>
    public string GenerationNames => string.Join(", ", Generations.Select(g => "G" + (int)g));

    /// <summary>Safe to log: the rule and the generations, nothing quoted from the request.</summary>
    /// <returns>For example <c>refused by G1, G2 (rule path-escape)</c>.</returns>
    public override string ToString() => $"refused by {GenerationNames} (rule {Rule})";
}
