namespace MagentoOAuth.AspNetCore.Health;

/// <summary>
/// Reads the start of an answer's body to learn Magento's message without taking the body from whoever reads it next
/// (the proxy streams it on to its caller): the content is replaced by the bytes read followed by the rest of the stream.
/// </summary>
internal static class PeekedContent
{
    /// <summary>The whole body when it is at most <paramref name="max"/> bytes, else null; either way the answer keeps its body.</summary>
    public static async Task<byte[]?> PeekAsync(HttpResponseMessage response, int max, CancellationToken cancellationToken)
    {
        HttpContent original = response.Content;
        Stream stream = await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        byte[] buffer = new byte[max + 1];
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        bool whole = read <= max;
        HttpContent replacement = whole ? new ByteArrayContent(buffer, 0, read) : new StreamContent(new PrefixedStream(buffer.AsMemory(0, read), stream));
        foreach (KeyValuePair<string, IEnumerable<string>> header in original.Headers)
        {
            replacement.Headers.Remove(header.Key);
            replacement.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = replacement;
        if (whole)
        {
            original.Dispose();
            return buffer[..read];
        }

        return null;
    }

    /// <summary>Bytes already read, then the rest of the stream they came from.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty)
            {
                return rest.Read(buffer);
            }

            int n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix.IsEmpty)
            {
                return rest.ReadAsync(buffer, cancellationToken);
            }

            int n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer.Span);
            _prefix = _prefix[n..];
            return ValueTask.FromResult(n);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                rest.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
