namespace MagentoOAuth.Sandbox.State;

/// <summary>Counts each integration's accepted and refused calls, with the reasons, for the scriptable API.</summary>
internal sealed class CallLog(SandboxStore store)
{
    public void Accepted(string? consumerKey) => Update(consumerKey, integration => integration.AcceptedCalls++);

    public void Refused(string? consumerKey, string reason) =>
        Update(consumerKey, integration => integration.RefusedCalls[reason] = integration.RefusedCalls.GetValueOrDefault(reason) + 1);

    public void AcceptedFor(int consumerId) => store.Write(state =>
    {
        IntegrationRecord? integration = state.Integrations.FirstOrDefault(i => i.ConsumerId == consumerId);
        if (integration is not null)
        {
            integration.AcceptedCalls++;
        }

        return 0;
    });

    private void Update(string? consumerKey, Action<IntegrationRecord> change)
    {
        if (consumerKey is null)
        {
            return;
        }

        store.Write(state =>
        {
            ConsumerRecord? consumer = state.Consumers.FirstOrDefault(c => c.Key == consumerKey);
            IntegrationRecord? integration = consumer is null ? null : state.Integrations.FirstOrDefault(i => i.ConsumerId == consumer.Id);
            if (integration is not null)
            {
                change(integration);
            }

            return 0;
        });
    }
}
