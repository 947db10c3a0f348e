using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MagentoOAuth.Tests.Interop;

/// <summary>
/// Runs PHP's own parse_str (tests/interop/php_parse_str.php with Debian's php-cli, which ./test.sh installs) on query
/// strings, so what we claim about how Magento's PHP reads a query (renamed names, the arrays it builds) is checked
/// against PHP itself. A missing interpreter fails the test with the install command.
/// </summary>
public static class PhpParseStr
{
    private const string Php = "/usr/bin/php";

    /// <summary>parse_str's result for each query, as json_encode writes it (a PHP list is a JSON array).</summary>
    public static IReadOnlyList<JsonNode?> Parse(params string[] queries)
    {
        if (!File.Exists(Php))
        {
            throw new InvalidOperationException($"{Php} is missing: apt-get install -y php-cli (./test.sh does this).");
        }

        string script = Path.Combine(OAuthlibVerifier.RepositoryRoot(), "tests", "interop", "php_parse_str.php");
        var start = new ProcessStartInfo(Php, [script]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        process.StandardInput.Write(JsonSerializer.Serialize(queries));
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("php_parse_str.php did not finish within 60 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"php_parse_str.php failed: {errors.Result}");
        }

        return JsonNode.Parse(output.Result)!.AsArray().ToList();
    }

    /// <summary>
    /// Where PHP stores the single value of a one-parameter query: the top-level name, then each key (a list's index
    /// as its number). Empty when PHP dropped the parameter.
    /// </summary>
    public static IReadOnlyList<string> PathOfOnlyValue(JsonNode? parsed)
    {
        var path = new List<string>();
        for (JsonNode? node = parsed; node is not JsonValue;)
        {
            switch (node)
            {
                case JsonObject { Count: 1 } one:
                    path.Add(one.First().Key);
                    node = one.First().Value;
                    break;
                case JsonArray { Count: 1 } list:
                    path.Add("0");
                    node = list[0];
                    break;
                default:
                    return node is JsonArray { Count: 0 } ? path : throw new InvalidOperationException("not a single value: " + node?.ToJsonString());
            }
        }

        return path;
    }
}
