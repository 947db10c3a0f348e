using System.Text;
using System.Text.Json.Nodes;
using MagentoOAuth.Sandbox;
using MagentoOAuth.Storage;

namespace MagentoOAuth.Operations.Tests.Telemetry;

/// <summary>Activations for real: an integration created in the sandbox, activated, and waited for (bounded) in the store.</summary>
internal static class SandboxStores
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<StoreConnection> ActivateAsync(HttpClient http, SandboxHost sandbox, string endpointUrl, IConnectionStore store, params string[] resources)
    {
        var body = new JsonObject
        {
            ["name"] = "Health test",
            ["callbackUrl"] = endpointUrl + "/magento/callback",
            ["identityLinkUrl"] = endpointUrl + "/magento/identity",
        };
        if (resources.Length > 0)
        {
            body["resources"] = new JsonArray([.. resources.Select(r => (JsonNode)JsonValue.Create(r))]);
        }

        using HttpResponseMessage created = await http.PostAsync(new Uri(sandbox.BaseUrl, "sandbox/api/integrations"), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        JsonObject integration = JsonNode.Parse(await created.Content.ReadAsStringAsync())!.AsObject();
        using HttpResponseMessage activated = await http.PostAsync(new Uri(sandbox.BaseUrl, $"sandbox/api/integrations/{(int)integration["id"]!}/activate"), null);
        activated.EnsureSuccessStatusCode();

        string key = (string)integration["consumerKey"]!;
        DateTime until = DateTime.UtcNow + Patience;
        StoreConnection? last = null;
        while (DateTime.UtcNow < until)
        {
            last = await store.FindByConsumerKeyAsync(key);
            if (last is { Status: StoreStatus.Active })
            {
                return last;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"The store did not become active within {Patience.TotalSeconds} s; last: {last?.Status} {last?.StatusReason}");
    }

    public static async Task SetFaultsAsync(HttpClient http, SandboxHost sandbox, params string[] faults)
    {
        using HttpResponseMessage response = await http.PutAsync(new Uri(sandbox.BaseUrl, "sandbox/api/faults"),
            new StringContent(new JsonArray([.. faults.Select(f => (JsonNode)JsonValue.Create(f))]).ToJsonString(), Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }
}
