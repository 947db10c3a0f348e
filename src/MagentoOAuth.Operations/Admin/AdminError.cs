using System.Text.Json.Serialization;

namespace MagentoOAuth.Operations.Admin;

/// <summary>Every JSON error of the admin listener: a stable code and a sentence that says what to do.</summary>
/// <param name="Error">A stable code (<c>unauthorized</c>, <c>forbidden</c>, <c>unknown_store</c>, <c>store_not_active</c>, …).</param>
/// <param name="Message">What happened and what to do.</param>
internal sealed record AdminError(string Error, string Message)
{
    /// <summary>The store's status, for errors about a store.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Status { get; init; }

    /// <summary>The store's id, for errors about a store.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Store { get; init; }
}

/// <summary>Source-generated JSON for the admin listener (the CLI is published native).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AdminError))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
