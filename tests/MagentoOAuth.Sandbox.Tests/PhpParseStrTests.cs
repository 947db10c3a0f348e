using System.Text.Json.Nodes;
using MagentoOAuth.Sandbox.Oauth;
using MagentoOAuth.Tests.Interop;

namespace MagentoOAuth.Sandbox.Tests;

/// <summary>The sandbox's parse_str (which its G2 and G4 signers and form bodies use) reads names exactly as PHP's does.</summary>
public sealed class PhpParseStrTests
{
    private static readonly string[] Queries =
    [
        "a=1", "a.b=1", "a b=1", " a=1", "a[b=1", "a[[b=1", "a[b.c=1", "a[b c=1", "a[b]c=1", "[a]=1", "a[]=1&a[]=2",
        "a[x][]=1&a[x][]=2", "a[0]=1&a[1]=2", "a.b[c]=1", "a+b=1", "a%5Bb%5D=1", "a=1&a=2", "a[b][c=1", "x=1&a[b=2&a.b=3",
    ];

    [Fact]
    public void Names_and_arrays_match_php()
    {
        IReadOnlyList<JsonNode?> php = PhpParseStr.Parse(Queries);
        for (int i = 0; i < Queries.Length; i++)
        {
            Assert.True(Flat(php[i]).SequenceEqual(Flat(PhpArray.ParseStr(Queries[i]))), $"{Queries[i]}: PHP {string.Join(", ", Flat(php[i]))}; sandbox {string.Join(", ", Flat(PhpArray.ParseStr(Queries[i])))}");
        }
    }

    private static List<string> Flat(JsonNode? node, string path = "")
    {
        var flat = new List<string>();
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    flat.AddRange(Flat(value, path + "/" + key));
                }

                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++)
                {
                    flat.AddRange(Flat(a[i], path + "/" + i));
                }

                break;
            case null:
                break;
            default:
                flat.Add(path + "=" + node.GetValue<string>());
                break;
        }

        return flat;
    }

    private static List<string> Flat(PhpArray array, string path = "")
    {
        var flat = new List<string>();
        foreach (var (key, value) in array.Items)
        {
            flat.AddRange(value is PhpArray nested ? Flat(nested, path + "/" + key) : [path + "/" + key + "=" + value]);
        }

        return flat;
    }
}
