using System.Security.Cryptography;
using System.Text.Json;

namespace MagentoOAuth.Sandbox.State;

/// <summary>
/// The sandbox's database: one lock around one snapshot. With a data directory, every change is written to
/// <c>sandbox-state.json</c> (temporary file, then rename) before the call returns, so a restart loses nothing.
/// </summary>
internal sealed class SandboxStore
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
    private readonly Lock _lock = new();
    private readonly string? _file;
    private readonly SandboxSnapshot _state;

    public SandboxStore(string? dataDirectory)
    {
        if (dataDirectory is null)
        {
            _state = new SandboxSnapshot();
            return;
        }

        Directory.CreateDirectory(dataDirectory);
        _file = Path.Combine(dataDirectory, "sandbox-state.json");
        _state = File.Exists(_file)
            ? JsonSerializer.Deserialize(File.ReadAllText(_file), SandboxStateJsonContext.Default.SandboxSnapshot) ?? new SandboxSnapshot()
            : new SandboxSnapshot();
    }

    /// <summary>32 characters of [0-9a-z], like Magento's <c>F/Oauth/Helper/Oauth::generateRandomString</c>.</summary>
    public static string NewRandom() => RandomNumberGenerator.GetString(Alphabet, 32);

    /// <summary>Runs <paramref name="action"/> under the lock and saves afterwards.</summary>
    public T Write<T>(Func<SandboxSnapshot, T> action)
    {
        lock (_lock)
        {
            T result = action(_state);
            Save();
            return result;
        }
    }

    /// <summary>Runs <paramref name="action"/> under the lock without saving.</summary>
    public T Read<T>(Func<SandboxSnapshot, T> action)
    {
        lock (_lock)
        {
            return action(_state);
        }
    }

    private void Save()
    {
        if (_file is null)
        {
            return;
        }

        string temporary = _file + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(_state, SandboxStateJsonContext.Default.SandboxSnapshot));
        File.Move(temporary, _file, overwrite: true);
    }
}
