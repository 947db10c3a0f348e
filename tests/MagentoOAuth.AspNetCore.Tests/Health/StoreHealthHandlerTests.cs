using System.Net;
using System.Text;
using MagentoOAuth.AspNetCore.Clients;
using MagentoOAuth.AspNetCore.Health;
using MagentoOAuth.Errors;
using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Tests.Health;

public sealed class StoreHealthHandlerTests
{
    private readonly RecordingRecorder _recorder = new();
    private readonly Guid _id = Guid.NewGuid();

    private HttpClient Client(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer, TimeSpan? timeout = null) =>
        new(new StoreHealthHandler(_recorder, _id, timeout ?? TimeSpan.FromMinutes(1)) { InnerHandler = new StubHandler(answer) })
        {
            BaseAddress = new Uri("https://shop.example.com/rest/"),
            Timeout = timeout ?? TimeSpan.FromMinutes(1),
        };

    private static Task<HttpResponseMessage> Answer(HttpStatusCode status, string body = "", string type = "application/json") =>
        Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, type) });

    [Theory]
    [InlineData(200, false)]
    [InlineData(201, false)]
    [InlineData(304, false)]
    [InlineData(400, false)]
    [InlineData(404, false)]
    [InlineData(429, false)]
    [InlineData(401, true)]
    [InlineData(403, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    public async Task Only_5xx_and_refused_credentials_are_store_failures(int status, bool failure)
    {
        using HttpClient client = Client((_, _) => Answer((HttpStatusCode)status, "{\"message\":\"Said %1\",\"parameters\":[\"so\"]}"));
        using HttpResponseMessage response = await client.GetAsync("V1/orders?searchCriteria[pageSize]=1");

        var call = Assert.Single(_recorder.Calls);
        Assert.Equal((_id, (int?)status), (call.Id, call.Status));
        Assert.Equal(failure ? $"HTTP {status}: Said so" : null, call.Failure);
        Assert.Equal("{\"message\":\"Said %1\",\"parameters\":[\"so\"]}", await response.Content.ReadAsStringAsync()); // still readable by the caller
    }

    [Fact]
    public async Task Magento_oauth_problem_is_the_failure_text_capped_cleaned_and_without_the_token_or_key()
    {
        var connection = new StoreConnection
        {
            Id = _id, StoreBaseUrl = "https://shop.example.com/", ConsumerKey = "CONSUMERKEY0123456789abcdefghijkl", ConsumerSecret = "cs",
            AccessToken = "ACCESSTOKEN0123456789abcdefghijk", ReceivedAt = HealthSetup.Noon,
        };
        string echoed = "oauth_problem=" + Uri.EscapeDataString($"token_rejected {connection.AccessToken} for {connection.ConsumerKey}\u001b[31m" + new string('x', 2000));
        using HttpClient client = Client((_, _) => Answer(HttpStatusCode.Unauthorized, echoed, "text/html"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "V1/orders");
        request.Options.Set(ConnectionRequest.Option, connection);
        using HttpResponseMessage _ = await client.SendAsync(request);

        string failure = Assert.Single(_recorder.Calls).Failure!;
        Assert.StartsWith("HTTP 401: token_rejected … for … [31m", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(connection.AccessToken, failure, StringComparison.Ordinal);
        Assert.DoesNotContain(connection.ConsumerKey, failure, StringComparison.Ordinal);
        Assert.True(failure.Length <= CallFailure.MaxText);
    }

    [Fact]
    public async Task No_answer_is_a_failure_without_the_query()
    {
        using HttpClient client = Client((r, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, $"Connection refused ({r.RequestUri})"));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("V1/orders?searchCriteria[filter]=secret-value"));

        var call = Assert.Single(_recorder.Calls);
        Assert.Null(call.Status);
        Assert.StartsWith("No answer (ConnectionError): Connection refused (https://shop.example.com/rest/V1/orders)", call.Failure, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", call.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timeout_is_a_failure_and_the_callers_own_cancellation_is_not()
    {
        static async Task<HttpResponseMessage> Hang(HttpRequestMessage _, CancellationToken ct)
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        }

        using (HttpClient timingOut = Client(Hang, TimeSpan.FromMilliseconds(200)))
        {
            await Assert.ThrowsAsync<TaskCanceledException>(() => timingOut.GetAsync("V1/orders"));
        }

        Assert.Equal("No answer within 0.2 s: the call timed out.", Assert.Single(_recorder.Calls).Failure);

        using HttpClient patient = Client(Hang);
        using var cancel = new CancellationTokenSource();
        Task<HttpResponseMessage> call = patient.GetAsync("V1/orders", cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAsync<TaskCanceledException>(() => call);
        Assert.Single(_recorder.Calls);
    }

    [Fact]
    public async Task A_refusal_before_any_call_is_not_a_call()
    {
        using HttpClient client = Client((_, _) => throw new MagentoOAuthException(MagentoProblem.ConnectionNotActive, null, null, "revoked", "Reauthorize"));
        await Assert.ThrowsAsync<MagentoOAuthException>(() => client.GetAsync("V1/orders"));
        Assert.Empty(_recorder.Calls);
    }
}
