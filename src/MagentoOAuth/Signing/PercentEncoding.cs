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

    /// <summary>RFC 3986 §2.3 unreserved: <c>A-Z a-z 0-9 - . _ ~</c>.</summary>
    public static bool IsUnreserved(int c) =>
        (uint)c < 128 && ((c < 64 ? UnreservedLow >> c : UnreservedHigh >> (c - 64)) & 1) != 0;

    public static int HexValue(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };

    /// <summary>Appends <paramref name="b"/> encoded: itself if unreserved, else <c>%XX</c> with upper-case hex.</summary>
    public static void AppendEncodedByte(ref ByteWriter writer, byte b)
    {
        if (IsUnreserved(b))
        {
            writer.Append(b);
            return;
        }

        Span<byte> escape = writer.GetSpan(3);
        escape[0] = (byte)'%';
        escape[1] = UpperHex[b >> 4];
        escape[2] = UpperHex[b & 0xF];
        writer.Advance(3);
    }

    /// <summary>Encodes already-decoded text (a parameter given as a value, not as it appears on the wire).</summary>
    public static void AppendEncoded(ref ByteWriter writer, ReadOnlySpan<char> text)
    {
        // Values are short (keys, tokens, a field), so a scalar pass over ASCII into a span sized for the worst case
        // beats vectorised run searches, whose set-up dominates at these lengths.
        while (!text.IsEmpty)
        {
            Span<byte> destination = writer.GetSpan(text.Length * 3);
            int written = 0;
            int i = 0;
            for (; i < text.Length; i++)
            {
                char c = text[i];
                if (IsUnreserved(c))
                {
                    destination[written++] = (byte)c;
                }
                else if (c < 0x80)
                {
                    written += WriteEscape(destination[written..], (byte)c);
                }
                else
                {
                    break;
                }
            }

            writer.Advance(written);
            if (i == text.Length)
            {
                return;
            }

            int end = text[i..].IndexOfAnyInRange((char)0, (char)0x7F);
            end = end < 0 ? text.Length : i + end;
            AppendEncodedUtf8(ref writer, text[i..end]);
            text = text[end..];
        }
    }

    /// <summary>Encodes bytes (ASCII text such as the base URI, or UTF-8).</summary>
    public static void AppendEncoded(ref ByteWriter writer, ReadOnlySpan<byte> bytes)
    {
        Span<byte> destination = writer.GetSpan(bytes.Length * 3);
        int written = 0;
        foreach (byte b in bytes)
        {
            if (IsUnreserved(b))
            {
                destination[written++] = b;
            }
            else
            {
                written += WriteEscape(destination[written..], b);
            }
        }

        writer.Advance(written);
    }

    /// <summary>Non-ASCII text as UTF-8, every byte escaped; a lone surrogate becomes U+FFFD, as UTF-8 encoders do.</summary>
    private static void AppendEncodedUtf8(ref ByteWriter writer, ReadOnlySpan<char> text)
    {
        int most = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = most <= 256 ? null : ArrayPool<byte>.Shared.Rent(most);
        Span<byte> utf8 = rented ?? stackalloc byte[256];
        try
        {
            AppendEncoded(ref writer, utf8[..Encoding.UTF8.GetBytes(text, utf8)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static int WriteEscape(Span<byte> destination, byte b)
    {
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
    public static void AppendRecoded(ref ByteWriter writer, ReadOnlySpan<char> wire, bool plusIsSpace) =>
        AppendRecodedUntil(ref writer, wire, plusIsSpace, stopAtEquals: false, stopAtAmpersand: false);

    /// <summary>
    /// <see cref="AppendRecoded"/> up to the first '&amp;' (and the first '=' when <paramref name="stopAtEquals"/>);
    /// returns that delimiter's index, or the length when there is none. Lets a query or form body be read in one pass.
    /// </summary>
    public static int AppendRecodedUntil(ref ByteWriter writer, ReadOnlySpan<char> wire, bool plusIsSpace, bool stopAtEquals, bool stopAtAmpersand = true)
    {
        // Wire components are short and dense with escapes (searchCriteria%5BfilterGroups%5D…), so one scalar pass
        // over ASCII into a span sized for the worst case beats vectorised run searches, whose set-up dominates there.
        int offset = 0;
        while (offset < wire.Length)
        {
            ReadOnlySpan<char> rest = wire[offset..];
            Span<byte> destination = writer.GetSpan(rest.Length * 3);
            int written = 0;
            int i = 0;
            for (; i < rest.Length; i++)
            {
                char c = rest[i];
                if (IsUnreserved(c))
                {
                    destination[written++] = (byte)c;
                    continue;
                }

                if (c >= 0x80 || (c == '&' && stopAtAmpersand) || (c == '=' && stopAtEquals))
                {
                    break;
                }

                byte b = (byte)c;
                if (c == '%' && TryDecodeEscape(rest, i, out byte decoded))
                {
                    b = decoded;
                    i += 2;
                }
                else if (c == '+' && plusIsSpace)
                {
                    b = (byte)' ';
                }

                if (IsUnreserved(b))
                {
                    destination[written++] = b;
                }
                else
                {
                    written += WriteEscape(destination[written..], b);
                }
            }

            writer.Advance(written);
            offset += i;
            if (offset == wire.Length || rest[i] < 0x80)
            {
                return offset;
            }

            // Raw non-ASCII on the wire: HttpClient would have sent it as UTF-8.
            int end = rest[i..].IndexOfAnyInRange((char)0, (char)0x7F);
            end = end < 0 ? rest.Length : i + end;
            AppendEncodedUtf8(ref writer, rest[i..end]);
            offset += end - i;
        }

        return offset;
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

    // The unreserved set as a 128-bit map: '-' '.' '0'-'9' below 64; 'A'-'Z' '_' 'a'-'z' '~' above.
    private const ulong UnreservedLow = (1UL << '-') | (1UL << '.') | (0x3FFUL << '0');
    private const ulong UnreservedHigh = (0x3FFFFFFUL << ('A' - 64)) | (1UL << ('_' - 64)) | (0x3FFFFFFUL << ('a' - 64)) | (1UL << ('~' - 64));

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
