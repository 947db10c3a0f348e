using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MagentoOAuth.Operations.Keys;
using MagentoOAuth.Scale;
using MagentoOAuth.Storage;
using MagentoOAuth.Storage.Encryption;
using MagentoOAuth.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// The dashboard at fleet scale (issue #12): seed N stores into SQLite as bench/MagentoOAuth.Scale does (96% active, 3%
// failed, 1% unfinished) plus a few revoked ones waiting for a Reauthorize, start the admin listener in this process,
// and time its pages over loopback, one request at a time, after a warm-up.
//   dotnet run -c Release --project bench/MagentoOAuth.DashboardScale -- [--count 100000] [--requests 50] [--db PATH]
// --db keeps (or reuses) the seeded database, so a second run measures without seeding again.
string? Value(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
int count = int.Parse(Value("--count") ?? "100000", CultureInfo.InvariantCulture);
int requests = int.Parse(Value("--requests") ?? "50", CultureInfo.InvariantCulture);
string? directory = Value("--db") is null ? Directory.CreateTempSubdirectory("magento-oauth-dashboard-scale-").FullName : null;
string database = Value("--db") ?? Path.Combine(directory!, "magento-oauth.db");
string keyFile = database + ".key";
byte[] key;
if (File.Exists(database) && File.Exists(keyFile))
{
    key = await File.ReadAllBytesAsync(keyFile);
    Console.Error.WriteLine($"reusing {database}");
}
else
{
    key = RandomNumberGenerator.GetBytes(32);
    await File.WriteAllBytesAsync(keyFile, key);
    var seeding = Stopwatch.StartNew();
    await Seeder.SeedAsync(database, key, count, Console.Error);
    Console.Error.WriteLine($"seeded {count:N0} stores in {seeding.Elapsed.TotalSeconds:0} s");
}

SqliteCredentialStore store = await SqliteCredentialStore.OpenAsync(database, new SecretProtector(key));
for (int i = 0; i < 25; i++)
{
    DateTimeOffset at = DateTimeOffset.UtcNow.AddDays(-i);
    var revoked = new StoreConnection
    {
        Id = Guid.NewGuid(), StoreBaseUrl = $"https://revoked{i}.example.com/", ConsumerKey = ("ckrevoked" + Guid.NewGuid().ToString("N"))[..32],
        ConsumerSecret = "cs", AccessToken = "at" + i, AccessTokenSecret = "as", Status = StoreStatus.Revoked, StatusReason = "Magento refused the access token.",
        Step = ExchangeStep.Verified, ReceivedAt = at, UpdatedAt = at, CreatedAt = at,
    };
    await store.InsertAsync(revoked);
}

int port;
using (var probe = new TcpListener(IPAddress.Loopback, 0))
{
    probe.Start();
    port = ((IPEndPoint)probe.LocalEndpoint).Port;
}

WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.ClearProviders();
builder.Services.AddMagentoStorage(store);
builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
builder.Services.AddMagentoIntegration(o => o.AllowPrivateStores = true);
builder.Services.AddMagentoOperations(o => o.AdminPort = port);
WebApplication app = builder.Build();
app.UseRouting();
app.UseMagentoAdminListener(port);
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapMagentoAdmin();
await app.StartAsync();
string apiKey = (await app.Services.GetRequiredService<ApiKeyService>().CreateAsync("bench-" + Guid.NewGuid().ToString("N")[..8], ApiKeyScope.Admin, []))!.Value.Key;
using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);

string middle = ConnectionCursor.Of((await store.ListAsync(new ConnectionQuery { PageSize = 1, Text = $"shop{count / 2}." })).Items[0]).ToString();
Guid oneStore = (await store.ListAsync(new ConnectionQuery { PageSize = 1, Text = $"shop{count / 3}." })).Items[0].Id;
(string Name, string Path)[] pages =
[
    ("GET / (first page of 100, Reauthorize list)", "/"),
    ("GET /?after=… (a page in the middle)", "/?after=" + Uri.EscapeDataString(middle)),
    ($"search, one match (q=shop{count - 7}.)", $"/?q=shop{count - 7}."),
    ("search, no match (q=nosuchshop)", "/?q=nosuchshop"),
    ("search, many matches (q=shop12)", "/?q=shop12"),
    ("status filter (status=failed)", "/?status=failed"),
    ("status filter, few matches (status=revoked)", "/?status=revoked"),
    ("GET /stores/{id}", $"/stores/{oneStore}"),
];

Console.WriteLine($"| page ({count:N0} stores, SQLite) | p50 | p95 | max | bytes |");
Console.WriteLine("|---|---|---|---|---|");
foreach ((string name, string path) in pages)
{
    var times = new List<double>();
    long bytes = 0;
    for (int i = 0; i < requests + 5; i++)
    {
        var clock = Stopwatch.StartNew();
        using HttpResponseMessage response = await http.GetAsync(path);
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        clock.Stop();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{path}: HTTP {(int)response.StatusCode}");
        }

        bytes = body.Length;
        if (i >= 5)
        {
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
    }

    times.Sort();
    Console.WriteLine($"| {name} | {times[times.Count / 2]:0.0} ms | {times[(int)(times.Count * 0.95)]:0.0} ms | {times[^1]:0.0} ms | {bytes / 1024.0:0} KiB |");
}

await app.StopAsync();
await app.DisposeAsync();
if (directory is not null)
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(directory, recursive: true);
}

return 0;
