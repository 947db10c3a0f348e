using System.Buffers;

namespace MagentoOAuth.Signing;

/// <summary>
/// The collected signature parameters, stored percent-encoded in one pooled byte buffer (RFC 5849 §3.4.1.3.2 step 1).
/// A mutable struct: pass it by <c>ref</c> and dispose it.
/// </summary>
/// <remarks>
/// With <see cref="StoreTwiceEncoded"/> the text is kept as the base string holds it, encoded a second time (each
/// escape's '%' as <c>%25</c>), so the parameter string is written by copying. Byte order is the same either way: the
/// second encoding only lengthens '%', which sorts below every unreserved character. Only RFC order may use it; natural
/// and decoded-name orders read the once-encoded names.
/// </remarks>
internal struct ParameterList : IDisposable
{
    private ByteWriter _text;
    private Entry[] _entries;
    private int _count;
    private bool _twice;

    public ParameterList(int capacity)
    {
        _text = new ByteWriter(capacity * 24);
        _entries = ArrayPool<Entry>.Shared.Rent(Math.Max(capacity, 32));
        _count = 0;
    }

    public readonly int Count => _count;

    /// <summary>Makes room for <paramref name="bytes"/> more bytes of text at once, rather than growing as it fills.</summary>
    public void ReserveText(int bytes) => _text.Reserve(bytes);

    /// <summary>Whether the text is stored encoded twice; set before adding anything.</summary>
    public bool StoreTwiceEncoded
    {
        readonly get => _twice;
        set
        {
            if (_count > 0)
            {
                throw new InvalidOperationException("The encoding is chosen before parameters are added.");
            }

            _twice = value;
        }
    }

    public readonly ReadOnlySpan<byte> Name(int index) => NameOf(_entries[index]);

    public readonly ReadOnlySpan<byte> Value(int index) => ValueOf(_entries[index]);

    /// <summary>Adds a protocol parameter: its name is known to need no encoding.</summary>
    public void AddProtocol(ReadOnlySpan<byte> name, ReadOnlySpan<char> value)
    {
        int nameStart = _text.Length;
        _text.Append(name);
        int valueStart = _text.Length;
        PercentEncoding.AppendEncoded(ref _text, value, _twice);
        PushPair(nameStart, valueStart, _text.Length);
    }

    /// <summary>Adds a protocol parameter whose value is a constant of unreserved characters.</summary>
    public void AddProtocolUnreserved(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        int nameStart = _text.Length;
        _text.Append(name);
        int valueStart = _text.Length;
        _text.Append(value);
        PushPair(nameStart, valueStart, _text.Length);
    }

    /// <summary>Adds a protocol parameter whose value is already encoded once (a credential's, cached).</summary>
    public void AddProtocolEncoded(ReadOnlySpan<byte> name, ReadOnlySpan<byte> encodedValue)
    {
        int nameStart = _text.Length;
        _text.Append(name);
        int valueStart = _text.Length;
        if (_twice)
        {
            PercentEncoding.AppendEncodedAgain(ref _text, encodedValue);
        }
        else
        {
            _text.Append(encodedValue);
        }

        PushPair(nameStart, valueStart, _text.Length);
    }

    /// <summary>
    /// Adds every <c>name=value</c> pair of a query or form body as RFC 5849 §3.4.1.3.1 reads them (form-decoded, every
    /// pair, a pair without '=' has an empty value, empty pairs skipped), in one pass.
    /// </summary>
    public void AddWirePairs(ReadOnlySpan<char> text, bool plusIsSpace)
    {
        // One scalar pass over the whole text into a span sized for the worst case (three bytes per ASCII character);
        // pairs are recorded as their delimiters go by. Raw non-ASCII leaves the loop to be transcoded, then it resumes.
        int pairText = 0;
        int nameStart = _text.Length;
        int valueStart = -1;
        int at = 0;
        bool twice = _twice;
        while (at < text.Length)
        {
            // At most ChunkLength characters start in each span; an escape begun at its end may read two more.
            int limit = Math.Min(text.Length, at + PercentEncoding.ChunkLength);
            ReadOnlySpan<char> window = text[..limit];
            Span<byte> destination = _text.GetSpan((limit - at) * PercentEncoding.MaxEscapeLength);
            int origin = _text.Length;
            int written = 0;
            for (; at < window.Length; at++)
            {
                char c = window[at];
                if (PercentEncoding.IsUnreserved(c))
                {
                    destination[written++] = (byte)c;
                    continue;
                }

                if (c >= 0x80)
                {
                    break;
                }

                if (c == '&')
                {
                    if (at > pairText)
                    {
                        PushPair(nameStart, valueStart, origin + written);
                    }

                    pairText = at + 1;
                    nameStart = origin + written;
                    valueStart = -1;
                    continue;
                }

                if (c == '=' && valueStart < 0)
                {
                    valueStart = origin + written;
                    continue;
                }

                written += PercentEncoding.WriteEncodedByte(destination[written..], PercentEncoding.DecodeWireCharacter(text, at, plusIsSpace, out int skipped), twice);
                at += skipped;
            }

            _text.Advance(written);
            if (at < limit)
            {
                // Raw non-ASCII on the wire: HttpClient would have sent it as UTF-8.
                int end = text[at..].IndexOfAnyInRange((char)0, (char)0x7F);
                end = end < 0 ? text.Length : at + end;
                PercentEncoding.AppendEncoded(ref _text, text[at..end], _twice);
                at = end;
            }
        }

        if (text.Length > pairText)
        {
            PushPair(nameStart, valueStart, _text.Length);
        }
    }

    private void PushPair(int nameStart, int valueStart, int end) =>
        Push(valueStart < 0
            ? new Entry(nameStart, end - nameStart, end, 0)
            : new Entry(nameStart, valueStart - nameStart, valueStart, end - valueStart));

    /// <summary>The entry at <paramref name="index"/>, to find a parameter again after sorting.</summary>
    public readonly Entry EntryAt(int index) => _entries[index];

    /// <summary>An entry's name, as encoded.</summary>
    public readonly ReadOnlySpan<byte> NameOf(Entry entry) => Slice(entry.NameStart, entry.NameLength);

    /// <summary>An entry's value, as encoded.</summary>
    public readonly ReadOnlySpan<byte> ValueOf(Entry entry) => Slice(entry.ValueStart, entry.ValueLength);

    /// <summary>Adds a parameter as it appears on the wire (query or form body), decoded and re-encoded.</summary>
    public void AddWire(ReadOnlySpan<char> name, ReadOnlySpan<char> value, bool plusIsSpace)
    {
        System.Diagnostics.Debug.Assert(!_twice, "Magento's readings (AddWire) sort by natural or decoded order, on once-encoded text.");
        int nameStart = _text.Length;
        PercentEncoding.AppendRecoded(ref _text, name, plusIsSpace);
        int valueStart = _text.Length;
        PercentEncoding.AppendRecoded(ref _text, value, plusIsSpace);
        PushPair(nameStart, valueStart, _text.Length);
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
                SortBy(entries, new NaturalComparer(text));
                break;
            case ParameterOrder.DecodedName:
                SortBy(entries, new DecodedNameComparer(text));
                break;
            default:
                SortBy(entries, new OrdinalComparer(text));
                break;
        }
    }

    /// <summary>
    /// Sorts without boxing the comparer (<c>Span.Sort(comparer)</c> boxes a struct comparer and wraps it in a delegate:
    /// 88 bytes per call and an indirect call per comparison). The protocol parameters come first and already in
    /// order, and request parameters are often nearly in order too, so the leading sorted run is kept, the rest is
    /// insertion-sorted, and the two are merged: linear work in the usual case. Requests sign a few dozen parameters at
    /// most; a very long list goes to the framework's introsort instead.
    /// </summary>
    private static void SortBy<TComparer>(Span<Entry> entries, TComparer comparer)
        where TComparer : struct, IComparer<Entry>
    {
        if (entries.Length > 64)
        {
            entries.Sort(comparer);
            return;
        }

        int run = 1;
        while (run < entries.Length && comparer.Compare(entries[run - 1], entries[run]) <= 0)
        {
            run++;
        }

        if (run == entries.Length)
        {
            return;
        }

        if (run > MergeRunLimit)
        {
            InsertionSort(entries, comparer, run);
            return;
        }

        InsertionSort(entries[run..], comparer, 1);
        Span<Entry> left = stackalloc Entry[MergeRunLimit];
        left = left[..run];
        entries[..run].CopyTo(left);

        // Writing at k never overtakes reading at j (k = i + j - run <= j), so the merge is in place.
        int i = 0, j = run, k = 0;
        while (i < left.Length && j < entries.Length)
        {
            entries[k++] = comparer.Compare(left[i], entries[j]) <= 0 ? left[i++] : entries[j++];
        }

        left[i..].CopyTo(entries[k..]);
    }

    private const int MergeRunLimit = 16;

    /// <summary>
    /// Insertion sort of <paramref name="entries"/>, whose first <paramref name="sorted"/> are in order: each entry out
    /// of place finds its slot by binary search and the entries after it move in one block copy.
    /// </summary>
    private static void InsertionSort<TComparer>(Span<Entry> entries, TComparer comparer, int sorted)
        where TComparer : struct, IComparer<Entry>
    {
        for (int i = Math.Max(sorted, 1); i < entries.Length; i++)
        {
            Entry current = entries[i];
            if (comparer.Compare(entries[i - 1], current) <= 0)
            {
                continue;
            }

            // After equal entries, so the sort stays stable.
            int low = 0, high = i - 1;
            while (low < high)
            {
                int middle = (low + high) >>> 1;
                if (comparer.Compare(entries[middle], current) <= 0)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            entries[low..i].CopyTo(entries[(low + 1)..]);
            entries[low] = current;
        }
    }

    /// <summary>
    /// Writes <c>name=value&amp;…</c> (RFC 5849 §3.4.1.3.2 steps 3–4) encoded once more, as the base string holds it.
    /// Every entry is canonically encoded, so the second encoding only turns '%' into <c>%25</c>.
    /// </summary>
    public readonly void WriteNormalizedEncoded(ref ByteWriter destination)
    {
        for (int i = 0; i < _count; i++)
        {
            if (i > 0)
            {
                destination.Append("%26"u8);
            }

            if (_twice)
            {
                // Already as the base string holds it: copied into one span, with the separators.
                ReadOnlySpan<byte> name = Name(i);
                ReadOnlySpan<byte> value = Value(i);
                Span<byte> span = destination.GetSpan(name.Length + value.Length + 6);
                name.CopyTo(span);
                "%3D"u8.CopyTo(span[name.Length..]);
                value.CopyTo(span[(name.Length + 3)..]);
                destination.Advance(name.Length + value.Length + 3);
            }
            else
            {
                PercentEncoding.AppendEncodedAgain(ref destination, Name(i));
                destination.Append("%3D"u8);
                PercentEncoding.AppendEncodedAgain(ref destination, Value(i));
            }
        }
    }

    /// <summary>Copies <paramref name="stored"/> (a name or value of this list) encoded once, as a header holds it; returns its length.</summary>
    public readonly int CopyEncodedOnce(Span<byte> destination, ReadOnlySpan<byte> stored)
    {
        if (!_twice)
        {
            stored.CopyTo(destination);
            return stored.Length;
        }

        int written = 0;
        while (true)
        {
            int percent = stored.IndexOf((byte)'%');
            if (percent < 0)
            {
                stored.CopyTo(destination[written..]);
                return written + stored.Length;
            }

            stored[..(percent + 1)].CopyTo(destination[written..]);
            written += percent + 1;
            stored = stored[(percent + 3)..];
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

    private readonly ReadOnlySpan<byte> Slice(int start, int length) => _text.Buffer.AsSpan(start, length);

    private void Push(Entry entry)
    {
        entry = entry with { Prefix = PrefixOf(entry.NameStart, entry.NameLength) };

        if (_count == _entries.Length)
        {
            Entry[] larger = ArrayPool<Entry>.Shared.Rent(_count * 2);
            _entries.AsSpan(0, _count).CopyTo(larger);
            ArrayPool<Entry>.Shared.Return(_entries);
            _entries = larger;
        }

        _entries[_count++] = entry;
    }

    private readonly ulong PrefixOf(int start, int length)
    {
        byte[] text = _text.Buffer;
        if (start + 8 <= text.Length)
        {
            // Eight bytes from the name's start, the bytes past a short name masked off.
            ulong head = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(text.AsSpan(start));
            return length >= 8 ? head : length == 0 ? 0 : head & (ulong.MaxValue << ((8 - length) * 8));
        }

        ReadOnlySpan<byte> name = text.AsSpan(start, length);

        ulong prefix = 0;
        for (int i = 0; i < 8; i++)
        {
            prefix = (prefix << 8) | (i < name.Length ? name[i] : 0UL);
        }

        return prefix;
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
