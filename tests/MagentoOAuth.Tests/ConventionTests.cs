using System.Reflection;
using MagentoOAuth.Exchange;
using MagentoOAuth.Signing;
using Microsoft.Extensions.Logging;

namespace MagentoOAuth.Tests;

/// <summary>Rules checked by reflection rather than by review.</summary>
public sealed class ConventionTests
{
    private const string Secret = "SECRETsecret0123456789abcdefghij";

    [Fact]
    public void Secret_holding_types_never_show_a_secret_in_ToString()
    {
        string[] shown =
        [
            new OAuthCredentials("ck0123456789abcdefghijklmnopqrst", Secret, "at0123456789abcdefghijklmnopqrst", Secret).ToString(),
            new OAuthToken("at0123456789abcdefghijklmnopqrst", Secret).ToString(),
        ];

        Assert.All(shown, text => Assert.DoesNotContain(Secret, text, StringComparison.Ordinal));
        Assert.All(shown, text => Assert.DoesNotContain("0123456789abcdefghijklmnopqrst", text, StringComparison.Ordinal));
    }

    [Fact]
    public void No_log_event_takes_a_secret_shaped_parameter()
    {
        MethodInfo[] events = typeof(OAuthSigner).Assembly.GetType("MagentoOAuth.Log", throwOnError: true)!
            .GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(m => m.GetCustomAttribute<LoggerMessageAttribute>() is not null)
            .ToArray();

        Assert.NotEmpty(events);
        string[] forbidden = ["secret", "token", "verifier", "key", "query", "url", "header", "body", "nonce", "signature", "reason", "value"];
        foreach (MethodInfo method in events)
        {
            string template = method.GetCustomAttribute<LoggerMessageAttribute>()!.Message;
            foreach (ParameterInfo parameter in method.GetParameters().Where(p => p.ParameterType != typeof(ILogger)))
            {
                Assert.False(forbidden.Any(f => parameter.Name!.Contains(f, StringComparison.OrdinalIgnoreCase)),
                    $"Log.{method.Name} takes '{parameter.Name}', which may carry a secret or a query string: {template}");
            }
        }
    }

    [Fact]
    public void Log_event_ids_are_unique_and_in_the_core_range()
    {
        int[] ids = typeof(OAuthSigner).Assembly.GetType("MagentoOAuth.Log", throwOnError: true)!
            .GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .Where(a => a is not null)
            .Select(a => a!.EventId)
            .ToArray();

        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(ids, id => Assert.InRange(id, 1000, 1999));
    }
}
