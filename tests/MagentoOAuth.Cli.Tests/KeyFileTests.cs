using System.Security.Cryptography;
using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace MagentoOAuth.Cli.Tests;

/// <summary>
/// The encryption key and the files: a database whose key is missing or wrong is refused with one line that names the
/// key expected and where, no new key is left behind, and a key file others can read is warned about.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeyFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("magento-oauth-keys-").FullName;

    private string Database => Path.Combine(_directory, "magento-oauth.db");

    private string KeyFile => Path.Combine(_directory, "magento-oauth.key");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task SeedAsync()
    {
        SqliteCredentialStore store = await SqliteCredentialStore.OpenAsync(Database, new SecretProtector(EncryptionKey.Resolve(null, KeyFile)));
        await store.InsertAsync(new StoreConnection
        {
            Id = Guid.NewGuid(), StoreBaseUrl = "https://shop.example.com/", ConsumerKey = Guid.NewGuid().ToString("N"),
            ConsumerSecret = Guid.NewGuid().ToString("N"), ReceivedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        });
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task A_missing_key_file_is_refused_in_one_line_and_no_new_key_is_left_behind()
    {
        await SeedAsync();
        File.Delete(KeyFile);

        CliRunner.Result list = await CliRunner.RunAsync("stores", "list", "--db", Database);

        Assert.Equal(2, list.ExitCode);
        Assert.Single(list.Error.Trim().Split('\n'));
        Assert.Contains($"its key file {KeyFile} is missing", list.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", list.Error, StringComparison.Ordinal); // no stack trace
        Assert.False(File.Exists(KeyFile), "a new key would make the next start write rows nobody can read with the old key");
    }

    [Fact]
    public async Task A_wrong_key_is_refused_naming_where_it_came_from_and_the_right_one_still_works()
    {
        await SeedAsync();
        string right = await File.ReadAllTextAsync(KeyFile);
        string wrong = Path.Combine(_directory, "other.key");
        await File.WriteAllTextAsync(wrong, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        File.SetUnixFileMode(wrong, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        CliRunner.Result refused = await CliRunner.RunAsync("stores", "list", "--db", Database, "--key-file", wrong);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains($"was encrypted with another key than the one from {wrong}", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Error, StringComparison.Ordinal);

        CliRunner.Result listed = await CliRunner.RunAsync("stores", "list", "--db", Database);
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains("shop.example.com", listed.Output, StringComparison.Ordinal);
        Assert.Equal(right, await File.ReadAllTextAsync(KeyFile));
    }

    [Fact]
    public async Task New_key_and_database_files_are_for_the_owner_only_and_a_key_readable_by_others_is_warned_about()
    {
        await SeedAsync();
        foreach (string file in Directory.GetFiles(_directory))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file) & ~UnixFileMode.UserExecute);
        }

        File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var error = new StringWriter();
        TextWriter original = Console.Error;
        Console.SetError(error);
        try
        {
            CliRunner.Result listed = await CliRunner.RunAsync("stores", "list", "--db", Database);
            Assert.Equal(0, listed.ExitCode);
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Contains($"the key file {KeyFile} can be read by others (mode 644); run: chmod 600 {KeyFile}", error.ToString(), StringComparison.Ordinal);
    }
}
