using System.Net;
using MagentoOAuth.Operations;

namespace MagentoOAuth.Cli.Commands;

/// <summary><c>serve --admin-urls</c>: where the admin listener listens, checked before anything starts.</summary>
/// <param name="Url">The URL, without a trailing '/'.</param>
/// <param name="Port">Its port (admin requests are told apart by the connection's local port).</param>
/// <param name="Configure">More options of the admin features (tests, webhooks, OTLP).</param>
internal sealed record AdminListener(string Url, int Port, Action<MagentoOperationsOptions>? Configure = null)
{
    public static AdminListener Parse(string text, string publicUrls, bool allowPublic)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.AbsolutePath != "/" || uri.Query.Length > 0 || text.Contains(';', StringComparison.Ordinal))
        {
            throw new CliUsageException($"--admin-urls '{text}' is not one http(s) URL with a host and a port, such as http://127.0.0.1:5001.");
        }

        if (uri.IsDefaultPort && !text.Contains($":{uri.Port}", StringComparison.Ordinal) || uri.Port == 0)
        {
            throw new CliUsageException($"--admin-urls '{text}' needs an explicit port other than 0, such as http://127.0.0.1:5001.");
        }

        // Admin requests are told apart by port alone, so no public address may share it.
        if (publicUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(u => Uri.TryCreate(u, UriKind.Absolute, out Uri? listen) && listen.Port == uri.Port))
        {
            throw new CliUsageException($"--admin-urls must use another port than --urls ({uri.Port}): the admin listener is told apart by its port.");
        }

        if (!IsLoopback(uri.Host) && !allowPublic)
        {
            throw new CliUsageException($"--admin-urls '{text}' is not a loopback address: the admin listener holds every store's credentials behind API keys. " +
                "Add --admin-public to listen there anyway, with TLS in front.");
        }

        return new AdminListener(uri.GetLeftPart(UriPartial.Authority), uri.Port);
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address));
}
