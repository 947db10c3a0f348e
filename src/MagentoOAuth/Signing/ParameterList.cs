using System.Buffers;

namespace MagentoOAuth.Signing;

/// <summary>
/// The collected signature parameters, stored percent-encoded in one pooled byte buffer (RFC 5849 §3.4.1.3.2 step 1).
/// A mutable struct: pass it by <c>ref</c> and dispose it.
/// </summary>
internal struct ParameterList : IDisposable
{
    private ByteWriter _text;
    private Entry[] _entries;
    private int _count;

    public ParameterList(int capacity)
    {
        _text = new ByteWriter(capacity * 24);
        _entries = ArrayPool<Entry>.Shared.Rent(Math.Max(capacity, 8));
        _count = 0;
    }

    public readonly int Count => _count;

    public readonly ReadOnlySpan<byte> Name(int index) => Slice(_entries[index].NameStart, _entries[index].NameLength);

    public readonly ReadOnlySpan<byte> Value(int index) => Slice(_entries[index].ValueStart, _entries[index].ValueLength);

    /// <summary>Adds a parameter given as plain text (an <c>oauth_*</c> value, a form field from an API call).</summary>
    public void AddDecoded(ReadOnlySpan<char> name, ReadOnlySpan<char> value)
    {
        int nameStart = _text.Length;
        PercentEncoding.AppendEncoded(ref _text, name);
        int valueStart = _text.Length;
        PercentEncoding.AppendEncoded(ref _text, value);
        Push(new Entry(nameStart, valueStart - nameStart, valueStart, _text.Length - valueStart));
    }

    /// <summary>Adds a parameter as it appears on the wire (query or form body), decoded and re-encoded.</summary>
    public void AddWire(ReadOnlySpan<char> name, ReadOnlySpan<char> value, bool plusIsSpace)
    {
        int nameStart = _text.Length;
        PercentEncoding.AppendRecoded(ref _text, name, plusIsSpace);
        int valueStart = _text.Length;
        PercentEncoding.AppendRecoded(ref _text, value, plusIsSpace);
        Push(new Entry(nameStart, valueStart - nameStart, valueStart, _text.Length - valueStart));
    }

    /// <summary>Adds a parameter whose name and value are already encoded bytes.</summary>
    public void AddEncoded(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        int nameStart = _text.Length;
        _text.Append(name);
        int valueStart = _text.Length;
        _text.Append(value);
        Push(new Entry(nameStart, valueStart - nameStart, valueStart, _text.Length - valueStart));
    }

    /// <summary>
    /// PHP arrays hold one value per key and a later assignment replaces the earlier one, so Magento signs only the
    /// last value of a repeated name (Magento: F/Oauth/Helper/Request.php, <c>$protocolParams[$name] = $value</c>).
    /// </summary>
    public void KeepLastOfEachName()
    {
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            bool repeatedLater = false;
            for (int j = i + 1; j < _count && !repeatedLater; j++)
            {
                repeatedLater = Name(i).SequenceEqual(Name(j));
            }

            if (!repeatedLater)
            {
                _entries[kept++] = _entries[i];
            }
        }

        _count = kept;
    }

    /// <summary>Removes the parameters whose encoded name matches.</summary>
    public void RemoveWhere(Func<ReadOnlySpan<byte>, bool> nameMatches)
    {
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            if (!nameMatches(Name(i)))
            {
                _entries[kept++] = _entries[i];
            }
        }

        _count = kept;
    }

    public readonly void Sort(ParameterOrder order)
    {
        Span<Entry> entries = _entries.AsSpan(0, _count);
        byte[] text = _text.Buffer;
        switch (order)
        {
            case ParameterOrder.Natural:
                entries.Sort(new NaturalComparer(text));
                break;
            case ParameterOrder.DecodedName:
                entries.Sort(new DecodedNameComparer(text));
                break;
            default:
                entries.Sort(new OrdinalComparer(text));
                break;
        }
    }

    /// <summary>Writes <c>name=value&amp;…</c> (RFC 5849 §3.4.1.3.2 steps 3–4), encoded once more when asked.</summary>
    public readonly void WriteNormalized(ref ByteWriter destination, bool encodeAgain)
    {
        for (int i = 0; i < _count; i++)
        {
            if (i > 0)
            {
                WriteByte(ref destination, (byte)'&', encodeAgain);
            }

            WriteBytes(ref destination, Name(i), encodeAgain);
            WriteByte(ref destination, (byte)'=', encodeAgain);
            WriteBytes(ref destination, Value(i), encodeAgain);
        }
    }

    public void Dispose()
    {
        _text.Dispose();
        Entry[] entries = _entries;
        _entries = [];
        _count = 0;
        if (entries.Length > 0)
        {
            ArrayPool<Entry>.Shared.Return(entries);
        }
    }

    private static void WriteByte(ref ByteWriter destination, byte value, bool encode)
    {
        if (encode)
        {
            PercentEncoding.AppendEncodedByte(ref destination, value);
        }
        else
        {
            destination.Append(value);
        }
    }

    private static void WriteBytes(ref ByteWriter destination, ReadOnlySpan<byte> value, bool encode)
    {
        if (encode)
        {
            PercentEncoding.AppendEncoded(ref destination, value);
        }
        else
        {
            destination.Append(value);
        }
    }

    private readonly ReadOnlySpan<byte> Slice(int start, int length) => _text.Buffer.AsSpan(start, length);

    private void Push(Entry entry)
    {
        Span<byte> head = stackalloc byte[8];
        head.Clear();
        _text.Buffer.AsSpan(entry.NameStart, Math.Min(entry.NameLength, 8)).CopyTo(head);
        entry = entry with { Prefix = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(head) };

        if (_count == _entries.Length)
        {
            Entry[] larger = ArrayPool<Entry>.Shared.Rent(_count * 2);
            _entries.AsSpan(0, _count).CopyTo(larger);
            ArrayPool<Entry>.Shared.Return(_entries);
            _entries = larger;
        }

        _entries[_count++] = entry;
    }

    /// <summary>
    /// One parameter's place in the text. <see cref="Prefix"/> holds the name's first 8 bytes, big-endian and
    /// zero-padded, so most byte-order comparisons are one integer comparison (encoded names never contain a zero byte,
    /// so padding sorts before any real byte, as a shorter name does).
    /// </summary>
    internal readonly record struct Entry(int NameStart, int NameLength, int ValueStart, int ValueLength)
    {
        public ulong Prefix { get; init; }
    }

    private readonly struct OrdinalComparer(byte[] text) : IComparer<Entry>
    {
        public int Compare(Entry x, Entry y)
        {
            if (x.Prefix != y.Prefix)
            {
                return x.Prefix < y.Prefix ? -1 : 1;
            }

            int byName = text.AsSpan(x.NameStart, x.NameLength).SequenceCompareTo(text.AsSpan(y.NameStart, y.NameLength));
            return byName != 0
                ? byName
                : text.AsSpan(x.ValueStart, x.ValueLength).SequenceCompareTo(text.AsSpan(y.ValueStart, y.ValueLength));
        }
    }

    private readonly struct NaturalComparer(byte[] text) : IComparer<Entry>
    {
        public int Compare(Entry x, Entry y)
        {
            int byName = NaturalOrder.Compare(text.AsSpan(x.NameStart, x.NameLength), text.AsSpan(y.NameStart, y.NameLength));
            return byName != 0 ? byName : new OrdinalComparer(text).Compare(x, y);
        }
    }

    private readonly struct DecodedNameComparer(byte[] text) : IComparer<Entry>
    {
        public int Compare(Entry x, Entry y)
        {
            Span<byte> left = x.NameLength <= 256 ? stackalloc byte[x.NameLength] : new byte[x.NameLength];
            Span<byte> right = y.NameLength <= 256 ? stackalloc byte[y.NameLength] : new byte[y.NameLength];
            left = left[..PercentEncoding.Decode(text.AsSpan(x.NameStart, x.NameLength), left)];
            right = right[..PercentEncoding.Decode(text.AsSpan(y.NameStart, y.NameLength), right)];
            int byName = left.SequenceCompareTo(right);
            return byName != 0 ? byName : new OrdinalComparer(text).Compare(x, y);
        }
    }
}

/// <summary>How a server orders the signature parameters.</summary>
internal enum ParameterOrder
{
    /// <summary>RFC 5849 §3.4.1.3.2: by encoded name, then encoded value, in byte order.</summary>
    Ordinal,

    /// <summary>PHP <c>uksort($params, 'strnatcmp')</c> on the encoded names (laminas-oauth, Magento G1–G3).</summary>
    Natural,

    /// <summary>PHP <c>ksort</c> on the decoded names (Magento G4's native signer).</summary>
    DecodedName,
}
