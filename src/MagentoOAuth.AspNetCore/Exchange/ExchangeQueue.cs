using System.Threading.Channels;

namespace MagentoOAuth.AspNetCore.Exchange;

/// <summary>Stores whose exchange should start now. The database, not this queue, is the record: a lost item is found again on restart.</summary>
internal sealed class ExchangeQueue
{
    private readonly Channel<Guid> _channel = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(Guid storeId) => _channel.Writer.TryWrite(storeId);

    public IAsyncEnumerable<Guid> ReadAllAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAllAsync(cancellationToken);
}
