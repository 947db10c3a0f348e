using System.Text.Json.Serialization;

namespace MagentoOAuth.Sandbox.State;

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(SandboxSnapshot))]
internal sealed partial class SandboxStateJsonContext : JsonSerializerContext;
