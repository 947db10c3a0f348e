using System.Collections.Concurrent;
using System.Net;
using System.Text;
using MagentoOAuth.AspNetCore.Clients;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MagentoOAuth.Operations.Tests.Telemetry;

/// <summary>OTLP over HTTP/protobuf to a collector on loopback (a test receiver that keeps what is posted).</summary>
public sealed class OtlpExportTests
{
    private static async Task<(WebApplication Receiver, ConcurrentQueue<(string Path, byte[] Body)> Posts)> ReceiverAsync()
    {
        var posts = new ConcurrentQueue<(string, byte[])>();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication receiver = builder.Build();
        receiver.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            posts.Enqueue((context.Request.Path.Value!, body.ToArray()));
            return Results.Ok();
        });
        await receiver.StartAsync();
        return (receiver, posts);
    }

    private static bool Holds(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    [Fact]
    public async Task Metrics_and_spans_of_signed_calls_reach_the_collector()
    {
        var (receiver, posts) = await ReceiverAsync();
        await using WebApplication _ = receiver;
        await using SandboxHost sandbox = await SandboxHost.StartAsync(new SandboxOptions());
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var store = new InMemoryCredentialStore();
        AdminHost host = await AdminHost.StartAsync(store, o =>
        {
            o.OtlpEndpoint = new Uri(receiver.Urls.First() + "/collector");
            o.OtlpExportInterval = TimeSpan.FromSeconds(1);
        });
        string[] secrets;
        await using (host)
        {
            StoreConnection connection = await SandboxStores.ActivateAsync(http, sandbox, host.PublicUrl, store);
            secrets = [connection.ConsumerKey, connection.ConsumerSecret, connection.AccessToken!, connection.AccessTokenSecret!, "searchCriteria"];
            using HttpClient client = host.App.Services.GetRequiredService<IMagentoClientFactory>().CreateClient(connection.Id);
            using HttpResponseMessage ok = await client.GetAsync("V1/products?searchCriteria[pageSize]=1");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

            for (int i = 0; i < 200 && !posts.Any(p => p.Path == "/collector/v1/metrics" && Holds(p.Body, "magento_oauth.signed_requests")); i++)
            {
                await Task.Delay(50);
            }

            // Spans are sent in batches; stopping the host sends what is left.
            await host.App.StopAsync();
        }

        Assert.Contains(posts, p => p.Path == "/collector/v1/metrics" && Holds(p.Body, "magento_oauth.signed_requests") && Holds(p.Body, "magento_oauth.activations"));
        Assert.Contains(posts, p => p.Path == "/collector/v1/traces" && Holds(p.Body, "magento_oauth.signed_request") && Holds(p.Body, "magento_oauth.exchange.step"));
        Assert.DoesNotContain(posts, p => secrets.Any(secret => Holds(p.Body, secret)));
    }

    [Theory]
    [InlineData("ftp://collector:4318/")]
    [InlineData("http://collector:4318/?token=x")]
    public async Task An_otlp_endpoint_that_is_not_an_http_url_is_refused_at_start(string endpoint)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => AdminHost.StartAsync(new InMemoryCredentialStore(), o => o.OtlpEndpoint = new Uri(endpoint)));
        Assert.Contains("OtlpEndpoint must be an absolute http:// or https:// URL", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("token=x", ex.Message, StringComparison.Ordinal);
    }
}
