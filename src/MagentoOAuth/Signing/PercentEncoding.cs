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

    // Runs of unreserved characters are copied in bulk (vectorised search), and only the rest is escaped one by one.
    private static readonly SearchValues<byte> UnreservedBytes = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"u8);
    private static readonly SearchValues<char> UnreservedChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~");

    /// <summary>RFC 3986 §2.3 unreserved: <c>A-Z a-z 0-9 - . _ ~</c>.</summary>
    public static bool IsUnreserved(int c) =>
        (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9 || c is '-' or '.' or '_' or '~';

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
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < text.Length; i++)
        {
            int run = text[i..].IndexOfAnyExcept(UnreservedChars);
            if (run != 0)
            {
                int runLength = run < 0 ? text.Length - i : run;
                AppendAscii(ref writer, text.Slice(i, runLength));
                i += runLength;
                if (i >= text.Length)
                {
                    return;
                }
            }

            char c = text[i];
            if (c < 0x80)
            {
                AppendEncodedByte(ref writer, (byte)c);
                continue;
            }

            // Surrogate pairs become one 4-byte sequence; a lone surrogate becomes U+FFFD, as UTF-8 encoders do.
            int length = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                ? Encoding.UTF8.GetBytes(text.Slice(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(text.Slice(i, 1), utf8);
            foreach (byte b in utf8[..length])
            {
                AppendEncodedByte(ref writer, b);
            }
        }
    }

    /// <summary>Encodes bytes that are already ASCII-encoded text (used to encode the base URI and parameter string).</summary>
    public static void AppendEncoded(ref ByteWriter writer, ReadOnlySpan<byte> ascii)
    {
        while (!ascii.IsEmpty)
        {
            int run = ascii.IndexOfAnyExcept(UnreservedBytes);
            if (run < 0)
            {
                writer.Append(ascii);
                return;
            }

            writer.Append(ascii[..run]);
            AppendEncodedByte(ref writer, ascii[run]);
            ascii = ascii[(run + 1)..];
        }
    }

    /// <summary>Copies characters known to be unreserved ASCII as bytes.</summary>
    private static void AppendAscii(ref ByteWriter writer, ReadOnlySpan<char> ascii)
    {
        Span<byte> destination = writer.GetSpan(ascii.Length);
        System.Text.Unicode.Utf8.FromUtf16(ascii, destination, out _, out int written);
        writer.Advance(written);
    }

    /// <summary>
    /// Decodes a component as it appears on the wire and re-encodes it canonically in one pass. <c>%XX</c> becomes
    /// byte XX; a <c>%</c> not followed by two hex digits stays a literal <c>%</c> (PHP's rawurldecode does the same);
    /// <c>+</c> is a space only when <paramref name="plusIsSpace"/> (form decoding, RFC 5849 §3.4.1.3.1).
    /// </summary>
    public static void AppendRecoded(ref ByteWriter writer, ReadOnlySpan<char> wire, bool plusIsSpace)
    {
        for (int i = 0; i < wire.Length; i++)
        {
            int run = wire[i..].IndexOfAnyExcept(UnreservedChars);
            if (run != 0)
            {
                int length = run < 0 ? wire.Length - i : run;
                AppendAscii(ref writer, wire.Slice(i, length));
                i += length;
                if (i >= wire.Length)
                {
                    return;
                }
            }

            char c = wire[i];
            if (c == '%' && TryDecodeEscape(wire, i, out byte decoded))
            {
                AppendEncodedByte(ref writer, decoded);
                i += 2;
            }
            else if (c == '+' && plusIsSpace)
            {
                AppendEncodedByte(ref writer, (byte)' ');
            }
            else if (c < 0x80)
            {
                AppendEncodedByte(ref writer, (byte)c);
            }
            else
            {
                // Raw non-ASCII on the wire: HttpClient would have sent it as UTF-8.
                int start = i;
                while (i + 1 < wire.Length && wire[i + 1] >= 0x80)
                {
                    i++;
                }

                AppendEncoded(ref writer, wire[start..(i + 1)]);
            }
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
