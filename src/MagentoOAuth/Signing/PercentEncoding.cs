using System.Buffers;
using System.Text;

namespace MagentoOAuth.Signing;

/// <summary>
/// RFC 5849 §3.6 percent-encoding over bytes. Everything after this step is ASCII, so the whole base string is built
/// as bytes with no intermediate strings.
/// </summary>
internal static class PercentEncoding
{
    private static ReadOnlySpan<byte> UpperHex => "0123456789ABCDEF"u8;

    private static readonly SearchValues<char> UnreservedChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~");

    /// <summary>RFC 3986 §2.3 unreserved: <c>A-Z a-z 0-9 - . _ ~</c>.</summary>
    public static bool IsUnreserved(int c) => (uint)c < (uint)MustEscape.Length && MustEscape[c] == 0;

    // 1 for each ASCII character RFC 5849 §3.6 escapes, 0 for the unreserved ones. A table lookup per character keeps
    // the encoding loops free of unpredictable branches.
    private static ReadOnlySpan<byte> MustEscape =>
    [
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1,
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0,
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1,
    ];

    public static int HexValue(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };

    /// <summary>Appends <paramref name="b"/> encoded: itself if unreserved, else <c>%XX</c> with upper-case hex.</summary>
    public static void AppendEncodedByte(ref ByteWriter writer, byte b) => writer.Advance(WriteEncodedByte(writer.GetSpan(3), b));

    /// <summary>
    /// Encodes already-decoded text (a parameter given as a value, not as it appears on the wire); encoded once more
    /// when <paramref name="twice"/> (as the base string holds parameters: each escape's '%' becomes <c>%25</c>).
    /// </summary>
    public static void AppendEncoded(ref ByteWriter writer, ReadOnlySpan<char> text, bool twice = false)
    {
        // Most values (keys, tokens, verifiers) need no escaping at all: one vectorised search finds the unreserved
        // prefix, copied in bulk. Past the first escape, a scalar pass into a span sized for the worst case beats
        // repeated vectorised searches, whose set-up dominates on short runs.
        int clean = text.IndexOfAnyExcept(UnreservedChars);
        if (clean != 0)
        {
            clean = clean < 0 ? text.Length : clean;
            System.Text.Ascii.FromUtf16(text[..clean], writer.GetSpan(clean), out _);
            writer.Advance(clean);
            text = text[clean..];
        }

        while (!text.IsEmpty)
        {
            // At most ChunkLength characters per span: a worst-case size for all of a huge value could overflow.
            int limit = Math.Min(text.Length, ChunkLength);
            writer.Advance(EncodeAscii(text[..limit], writer.GetSpan(limit * MaxEscapeLength), twice, out int i));
            if (i == limit)
            {
                text = text[limit..];
                continue;
            }

            int end = text[i..].IndexOfAnyInRange((char)0, (char)0x7F);
            end = end < 0 ? text.Length : i + end;
            AppendEncodedUtf8(ref writer, text[i..end], twice);
            text = text[end..];
        }
    }

    /// <summary>Encodes <paramref name="text"/> up to its first non-ASCII character; returns the bytes written.</summary>
    private static int EncodeAscii(ReadOnlySpan<char> text, Span<byte> destination, bool twice, out int consumed)
    {
        int written = 0;
        int i = 0;
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (IsUnreserved(c))
            {
                destination[written++] = (byte)c;
                continue;
            }

            if (c >= 0x80)
            {
                break;
            }

            written += WriteEscape(destination[written..], (byte)c, twice);
        }

        consumed = i;
        return written;
    }

    /// <summary>Encodes bytes (ASCII text such as the base URI, or UTF-8); once more when <paramref name="twice"/>.</summary>
    public static void AppendEncoded(ref ByteWriter writer, ReadOnlySpan<byte> bytes, bool twice = false)
    {
        while (!bytes.IsEmpty)
        {
            ReadOnlySpan<byte> chunk = bytes[..Math.Min(bytes.Length, ChunkLength)];
            Span<byte> destination = writer.GetSpan(chunk.Length * MaxEscapeLength);
            int written = 0;
            foreach (byte b in chunk)
            {
                if (IsUnreserved(b))
                {
                    destination[written++] = b;
                }
                else
                {
                    written += WriteEscape(destination[written..], b, twice);
                }
            }

            writer.Advance(written);
            bytes = bytes[chunk.Length..];
        }
    }

    /// <summary>
    /// Non-ASCII text as UTF-8, every byte escaped; a lone surrogate becomes U+FFFD, as UTF-8 encoders do. Converted 84
    /// characters at a time through the stack (at most 255 bytes), never through a pooled array: this path also
    /// encodes secrets for the signing key, and the buffer is cleared afterwards.
    /// </summary>
    public static void AppendEncodedUtf8(ref ByteWriter writer, ReadOnlySpan<char> text, bool twice = false)
    {
        Span<byte> utf8 = stackalloc byte[256];
        try
        {
            while (!text.IsEmpty)
            {
                int take = Math.Min(text.Length, 84);
                if (take < text.Length && char.IsHighSurrogate(text[take - 1]))
                {
                    take--;
                }

                AppendEncoded(ref writer, utf8[..Encoding.UTF8.GetBytes(text[..take], utf8)], twice);
                text = text[take..];
            }
        }
        finally
        {
            utf8.Clear();
        }
    }

    /// <summary>The longest a byte becomes: <c>%25XX</c> when encoded twice.</summary>
    public const int MaxEscapeLength = 5;

    /// <summary>How many characters an encoding loop takes per output span (a worst-case span of 80 KB).</summary>
    public const int ChunkLength = 16 * 1024;

    private static int WriteEscape(Span<byte> destination, byte b, bool twice = false)
    {
        if (twice)
        {
            destination[4] = UpperHex[b & 0xF];
            destination[3] = UpperHex[b >> 4];
            destination[2] = (byte)'5';
            destination[1] = (byte)'2';
            destination[0] = (byte)'%';
            return 5;
        }

        destination[2] = UpperHex[b & 0xF];
        destination[1] = UpperHex[b >> 4];
        destination[0] = (byte)'%';
        return 3;
    }

    /// <summary>
    /// Decodes a component as it appears on the wire and re-encodes it canonically in one pass. <c>%XX</c> becomes
    /// byte XX; a <c>%</c> not followed by two hex digits stays a literal <c>%</c> (PHP's rawurldecode does the same);
    /// <c>+</c> is a space only when <paramref name="plusIsSpace"/> (form decoding, RFC 5849 §3.4.1.3.1).
    /// </summary>
    public static void AppendRecoded(ref ByteWriter writer, ReadOnlySpan<char> wire, bool plusIsSpace)
    {
        while (!wire.IsEmpty)
        {
            // At most ChunkLength characters start in each span; an escape begun at its end may read two more.
            int limit = Math.Min(wire.Length, ChunkLength);
            ReadOnlySpan<char> window = wire[..limit];
            Span<byte> destination = writer.GetSpan(limit * MaxEscapeLength);
            int written = 0;
            int i = 0;
            for (; i < window.Length; i++)
            {
                char c = window[i];
                if (IsUnreserved(c))
                {
                    destination[written++] = (byte)c;
                    continue;
                }

                if (c >= 0x80)
                {
                    break;
                }

                written += WriteEncodedByte(destination[written..], DecodeWireCharacter(wire, i, plusIsSpace, out int skipped));
                i += skipped;
            }

            writer.Advance(written);
            if (i >= limit)
            {
                wire = wire[i..];
                continue;
            }

            // Raw non-ASCII on the wire: HttpClient would have sent it as UTF-8.
            int end = wire[i..].IndexOfAnyInRange((char)0, (char)0x7F);
            end = end < 0 ? wire.Length : i + end;
            AppendEncodedUtf8(ref writer, wire[i..end]);
            wire = wire[end..];
        }
    }

    /// <summary>
    /// The byte a reserved ASCII character on the wire at <paramref name="index"/> stands for: <c>%XX</c> decoded (two
    /// more characters <paramref name="skipped"/>), '+' a space when <paramref name="plusIsSpace"/>, anything else
    /// itself. The caller's loop index is not passed by reference, so the JIT keeps it in a register.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static byte DecodeWireCharacter(ReadOnlySpan<char> wire, int index, bool plusIsSpace, out int skipped)
    {
        char c = wire[index];
        if (c == '%' && TryDecodeEscape(wire, index, out byte decoded))
        {
            skipped = 2;
            return decoded;
        }

        skipped = 0;
        return c == '+' && plusIsSpace ? (byte)' ' : (byte)c;
    }

    /// <summary>Writes <paramref name="b"/> encoded (twice when asked) into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int WriteEncodedByte(Span<byte> destination, byte b, bool twice = false)
    {
        if (IsUnreserved(b))
        {
            destination[0] = b;
            return 1;
        }

        return WriteEscape(destination, b, twice);
    }

    /// <summary>
    /// Encodes text that is already canonically encoded (only unreserved characters and <c>%XX</c>) once more, as the
    /// base string's parameter string needs: only the '%' signs change.
    /// </summary>
    public static void AppendEncodedAgain(ref ByteWriter writer, ReadOnlySpan<byte> encoded)
    {
        while (true)
        {
            int percent = encoded.IndexOf((byte)'%');
            if (percent < 0)
            {
                writer.Append(encoded);
                return;
            }

            Span<byte> destination = writer.GetSpan(percent + 3);
            encoded[..percent].CopyTo(destination);
            destination[percent] = (byte)'%';
            destination[percent + 1] = (byte)'2';
            destination[percent + 2] = (byte)'5';
            writer.Advance(percent + 3);
            encoded = encoded[(percent + 1)..];
        }
    }


    /// <summary>Decodes <c>%XX</c> at <paramref name="index"/> if two hex digits follow.</summary>
    public static bool TryDecodeEscape(ReadOnlySpan<char> text, int index, out byte value)
    {
        value = 0;
        if (index + 2 >= text.Length)
        {
            return false;
        }

        int hi = HexValue(text[index + 1]);
        int lo = HexValue(text[index + 2]);
        if (hi < 0 || lo < 0)
        {
            return false;
        }

        value = (byte)((hi << 4) | lo);
        return true;
    }

    /// <summary>Decodes encoded ASCII back to its bytes (used where a profile compares decoded names).</summary>
    public static int Decode(ReadOnlySpan<byte> encoded, Span<byte> destination)
    {
        int written = 0;
        for (int i = 0; i < encoded.Length; i++)
        {
            byte b = encoded[i];
            if (b == '%' && i + 2 < encoded.Length)
            {
                int hi = HexValue(encoded[i + 1]);
                int lo = HexValue(encoded[i + 2]);
                if (hi >= 0 && lo >= 0)
                {
                    destination[written++] = (byte)((hi << 4) | lo);
                    i += 2;
                    continue;
                }
            }

            destination[written++] = b;
        }

        return written;
    }

    /// <summary>Encodes <paramref name="text"/> to a new string (for headers and explanations, not the hot path).</summary>
    public static string Encode(string text)
    {
        var writer = new ByteWriter(text.Length * 3 + 16);
        try
        {
            AppendEncoded(ref writer, text.AsSpan());
            return Encoding.ASCII.GetString(writer.WrittenSpan);
        }
        finally
        {
            writer.Dispose();
        }
    }
}

/// <summary>A growable byte buffer on <see cref="ArrayPool{T}"/>; pass it by <c>ref</c>.</summary>
internal struct ByteWriter : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public ByteWriter(int initialCapacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 64));
        _length = 0;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public readonly byte[] Buffer => _buffer;

    public void Append(byte value)
    {
        if (_length == _buffer.Length)
        {
            Grow(1);
        }

        _buffer[_length++] = value;
    }

    public void Append(ReadOnlySpan<byte> values)
    {
        values.CopyTo(GetSpan(values.Length));
        _length += values.Length;
    }

    public Span<byte> GetSpan(int sizeHint)
    {
        if (_buffer.Length - _length < sizeHint)
        {
            Grow(sizeHint);
        }

        return _buffer.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    /// <summary>Makes room for <paramref name="sizeHint"/> more bytes in one step (nothing to copy when still empty).</summary>
    public void Reserve(int sizeHint)
    {
        if (_buffer.Length - _length < sizeHint)
        {
            Grow(sizeHint);
        }
    }

    /// <summary>Empties the buffer to write again, keeping its array.</summary>
    public void Clear() => _length = 0;

    /// <summary>Set for buffers that hold secrets: they are zeroed before going back to the shared pool.</summary>
    public bool ClearOnReturn { get; init; }

    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer, ClearOnReturn);
        }
    }

    private void Grow(int sizeHint)
    {
        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + sizeHint));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer, ClearOnReturn);
        _buffer = larger;
    }
}
