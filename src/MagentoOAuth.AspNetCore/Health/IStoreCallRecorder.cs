using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Health;

/// <summary>Where every signed call to a store, and every change of its circuit, is reported (the health tracker).</summary>
internal interface IStoreCallRecorder
{
    /// <summary>A signed call ended: with an answer (<paramref name="status"/>), or without one (null: timeout, refused connection).</summary>
    /// <param name="connectionId">The connection.</param>
    /// <param name="status">The HTTP status, if an answer came.</param>
    /// <param name="failure">Why it failed, in words without secrets or query values (Magento's message when it gave one); null for a success.</param>
    void RecordCall(Guid connectionId, int? status, string? failure);

    /// <summary>The store's circuit changed state.</summary>
    /// <param name="connectionId">The connection.</param>
    /// <param name="availability">Its new state.</param>
    void RecordAvailability(Guid connectionId, StoreAvailability availability);
}

/// <summary>Until the tracker is registered: nothing is recorded.</summary>
internal sealed class NoStoreCallRecorder : IStoreCallRecorder
{
    public void RecordCall(Guid connectionId, int? status, string? failure)
    {
    }

    public void RecordAvailability(Guid connectionId, StoreAvailability availability)
    {
    }
}
