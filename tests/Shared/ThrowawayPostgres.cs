using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MagentoOAuth.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of our own for the tests: Debian's binaries (which .ci/run installs), a temporary folder, a free
/// loopback port, fsync off; stopped and deleted on dispose. As root, the server runs as the postgres user.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    /// <summary>A user whose name and password need escaping in URLs: catches quoting bugs.</summary>
    public const string User = "shop&fy";
    public const string Password = "passify#$";

    private readonly string _bin;
    private readonly string _base;
    private int _databases;

    private ThrowawayPostgres(string bin, string baseDirectory, int port)
    {
        _bin = bin;
        _base = baseDirectory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<ThrowawayPostgres> StartAsync()
    {
        string bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault() ?? ""
            : "";
        if (bin.Length == 0)
        {
            throw new InvalidOperationException("PostgreSQL's server binaries are missing: apt-get install -y postgresql (./test.sh does this).");
        }

        string directory = Directory.CreateTempSubdirectory("magento-oauth-pg-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            // The postgres user must be able to enter the folder mktemp made 0700.
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        }
        Directory.CreateDirectory(Path.Combine(directory, "sock"));
        bool root = Environment.UserName == "root";
        if (root)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", directory]);
        }

        int port = FreePort();
        var pg = new ThrowawayPostgres(bin, directory, port);
        await pg.AsServerAsync("initdb", ["-D", Path.Combine(directory, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
        await pg.AsServerAsync("pg_ctl", ["-D", Path.Combine(directory, "data"), "-l", Path.Combine(directory, "pg.log"), "-w", "-t", "60",
            "-o", $"-p {port} -k {Path.Combine(directory, "sock")} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300", "start"]);
        await pg.PsqlAsync("postgres", $"CREATE ROLE \"{User}\" LOGIN SUPERUSER PASSWORD '{Password}';");
        return pg;
    }

    /// <summary>A new, empty database; returns its postgres:// URL (user and password escaped).</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        string name = $"test{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}";
        await PsqlAsync("postgres", $"CREATE DATABASE {name} OWNER \"{User}\";");
        return $"postgres://{Uri.EscapeDataString(User)}:{Uri.EscapeDataString(Password)}@127.0.0.1:{Port}/{name}";
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await AsServerAsync("pg_ctl", ["-D", Path.Combine(_base, "data"), "-m", "immediate", "-w", "-t", "30", "stop"]);
        }
        finally
        {
            Directory.Delete(_base, recursive: true);
        }
    }

    private Task PsqlAsync(string database, string sql) =>
        RunAsync(Path.Combine(_bin, "psql"), ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-c", sql]);

    private Task AsServerAsync(string tool, string[] args) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
            : RunAsync(Path.Combine(_bin, tool), args);

    private static async Task RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        using Process process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        Task<string> output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        Task<string> error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} failed ({process.ExitCode}): {await error}{await output}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
