namespace MagentoOAuth.Sandbox.State;

/// <summary>An integration as the Magento admin keeps it (I/Model/Integration.php). Status: 0 inactive, 1 active.</summary>
internal sealed class IntegrationRecord
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string? Endpoint { get; set; }
    public string? IdentityLinkUrl { get; set; }
    public int Status { get; set; }
    public int ConsumerId { get; set; }
    public List<string> Resources { get; set; } = [];
    public long AcceptedCalls { get; set; }
    public Dictionary<string, int> RefusedCalls { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Magento: I/Block/Adminhtml/Widget/Grid/Column/Renderer/Link/Activate.php, endpoint &amp;&amp; identity_link_url.</summary>
    public bool IsTokenExchange => !string.IsNullOrEmpty(Endpoint) && !string.IsNullOrEmpty(IdentityLinkUrl);
}

/// <summary>An OAuth consumer (I/Model/Oauth/Consumer.php): created with the integration, never regenerated.</summary>
internal sealed class ConsumerRecord
{
    public int Id { get; set; }
    public string Key { get; set; } = "";
    public string Secret { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The one <c>oauth_token</c> row per consumer (I/Model/Oauth/Token.php): verifier → request → access.</summary>
internal sealed class TokenRecord
{
    public const string Verifier = "verifier";
    public const string Request = "request";
    public const string Access = "access";

    public int ConsumerId { get; set; }
    public string Type { get; set; } = Verifier;
    public string Token { get; set; } = "";
    public string Secret { get; set; } = "";
    public string VerifierCode { get; set; } = "";
    public bool Revoked { get; set; }
}

/// <summary>Everything the sandbox knows, as saved to <c>sandbox-state.json</c>.</summary>
internal sealed class SandboxSnapshot
{
    public int NextIntegrationId { get; set; } = 1;
    public int NextConsumerId { get; set; } = 1;
    public List<IntegrationRecord> Integrations { get; set; } = [];
    public List<ConsumerRecord> Consumers { get; set; } = [];
    public List<TokenRecord> Tokens { get; set; } = [];
    public List<string> Nonces { get; set; } = [];
}
