using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace MagentoOAuth.Cli.Tests;

public sealed class KeysCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("magento-oauth-keys-").FullName;

    private string Db => Path.Combine(_directory, "magento-oauth.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Create_prints_only_the_key_list_never_shows_it_and_revoke_removes_it()
    {
        CliRunner.Result created = await CliRunner.RunAsync("keys", "create", "etl", "--db", Db);
        Assert.Equal(0, created.ExitCode);
        string key = created.Output.TrimEnd('\n');
        Assert.Matches("^mok_[a-z2-9]{12}_[A-Za-z0-9_-]{43}$", key);
        Assert.Contains("shown only now", created.Error, StringComparison.Ordinal);

        Assert.Equal(0, (await CliRunner.RunAsync("keys", "create", "ops", "--scope", "admin", "--db", Db)).ExitCode);
        CliRunner.Result listed = await CliRunner.RunAsync("keys", "list", "--json", "--db", Db);
        JsonArray keys = JsonNode.Parse(listed.Output)!.AsArray();
        Assert.Equal(["etl", "ops"], keys.Select(k => (string)k!["name"]!));
        Assert.Equal(["proxy", "admin"], keys.Select(k => (string)k!["scope"]!));
        Assert.DoesNotContain(key[^43..], listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(key[^43..], (await CliRunner.RunAsync("keys", "list", "--db", Db)).Output, StringComparison.Ordinal);

        // The database holds the hash only.
        SqliteConnection.ClearAllPools();
        Assert.DoesNotContain(key[^43..], System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(Db)), StringComparison.Ordinal);

        Assert.Equal(0, (await CliRunner.RunAsync("keys", "revoke", "etl", "--db", Db)).ExitCode);
        CliRunner.Result again = await CliRunner.RunAsync("keys", "revoke", "etl", "--db", Db);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("no key named 'etl'", again.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("keys", "create", "has space")]
    [InlineData("keys", "create", "etl", "--scope", "root")]
    [InlineData("keys", "create", "etl", "--store", "https://unknown.example.com/")]
    [InlineData("keys", "create", "ops", "--scope", "admin", "--store", "https://shop.example.com/")]
    public async Task Bad_input_is_refused_with_exit_code_2_and_nothing_on_standard_output(params string[] args)
    {
        CliRunner.Result result = await CliRunner.RunAsync([.. args, "--db", Db]);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.StartsWith("magento-oauth: error:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_is_taken_once()
    {
        Assert.Equal(0, (await CliRunner.RunAsync("keys", "create", "etl", "--db", Db)).ExitCode);
        CliRunner.Result twice = await CliRunner.RunAsync("keys", "create", "etl", "--db", Db);
        Assert.Equal(2, twice.ExitCode);
        Assert.Equal(string.Empty, twice.Output);
        Assert.Contains("exists already", twice.Error, StringComparison.Ordinal);
    }
}
