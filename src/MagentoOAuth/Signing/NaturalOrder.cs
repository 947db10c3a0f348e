namespace MagentoOAuth.Signing;

/// <summary>
/// PHP's <c>strnatcmp</c> (Martin Pool's natural order): runs of digits compare by value, so <c>a2</c> sorts before
/// <c>a10</c>. laminas-oauth sorts parameters with it, which is why Magento G1–G3 disagree with RFC 5849 once a
/// <c>searchCriteria</c> index reaches 10.
/// </summary>
internal static class NaturalOrder
{
    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.IsEmpty || b.IsEmpty)
        {
            return a.Length.CompareTo(b.Length);
        }

        int i = SkipLeadingZeros(a);
        int j = SkipLeadingZeros(b);
        while (true)
        {
            i = SkipSpaces(a, i);
            j = SkipSpaces(b, j);
            if (i < a.Length && j < b.Length && IsDigit(a[i]) && IsDigit(b[j]))
            {
                // A run starting with 0 is compared digit by digit ("fractional"); otherwise the longer run wins.
                bool fractional = a[i] == '0' || b[j] == '0';
                int result = fractional ? CompareLeft(a, ref i, b, ref j) : CompareRight(a, ref i, b, ref j);
                if (result != 0)
                {
                    return result;
                }

                if (i == a.Length || j == b.Length)
                {
                    return (i == a.Length ? 0 : 1) - (j == b.Length ? 0 : 1);
                }
            }

            if (i >= a.Length || j >= b.Length)
            {
                return (i >= a.Length ? 0 : 1) - (j >= b.Length ? 0 : 1);
            }

            if (a[i] != b[j])
            {
                return a[i] < b[j] ? -1 : 1;
            }

            i++;
            j++;
            if (i >= a.Length || j >= b.Length)
            {
                return (i >= a.Length ? 0 : 1) - (j >= b.Length ? 0 : 1);
            }
        }
    }

    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    private static int SkipLeadingZeros(ReadOnlySpan<byte> s)
    {
        int i = 0;
        while (s[i] == '0' && i + 1 < s.Length && IsDigit(s[i + 1]))
        {
            i++;
        }

        return i;
    }

    private static int SkipSpaces(ReadOnlySpan<byte> s, int i)
    {
        while (i < s.Length && s[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C)
        {
            i++;
        }

        return i;
    }

    private static int CompareRight(ReadOnlySpan<byte> a, ref int i, ReadOnlySpan<byte> b, ref int j)
    {
        // Same length: the first differing digit decides, remembered as bias until both runs end.
        int bias = 0;
        for (; ; i++, j++)
        {
            bool aEnds = i >= a.Length || !IsDigit(a[i]);
            bool bEnds = j >= b.Length || !IsDigit(b[j]);
            if (aEnds && bEnds)
            {
                return bias;
            }

            if (aEnds)
            {
                return -1;
            }

            if (bEnds)
            {
                return 1;
            }

            if (bias == 0 && a[i] != b[j])
            {
                bias = a[i] < b[j] ? -1 : 1;
            }
        }
    }

    private static int CompareLeft(ReadOnlySpan<byte> a, ref int i, ReadOnlySpan<byte> b, ref int j)
    {
        for (; ; i++, j++)
        {
            bool aEnds = i >= a.Length || !IsDigit(a[i]);
            bool bEnds = j >= b.Length || !IsDigit(b[j]);
            if (aEnds && bEnds)
            {
                return 0;
            }

            if (aEnds)
            {
                return -1;
            }

            if (bEnds)
            {
                return 1;
            }

            if (a[i] != b[j])
            {
                return a[i] < b[j] ? -1 : 1;
            }
        }
    }
}
