using MagentoOAuth.AspNetCore.Lifecycle;

namespace MagentoOAuth.AspNetCore.Tests.Hardening;

/// <summary>Store-supplied text: control and reordering characters become spaces, length is capped, and what is left is valid text.</summary>
public sealed class StoreTextTests
{
    private static void AssertValidUtf16(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]))
            {
                Assert.True(i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]), $"lone high surrogate at {i}");
                i++;
            }
            else
            {
                Assert.False(char.IsLowSurrogate(text[i]), $"lone low surrogate at {i}");
            }
        }
    }

    [Theory]
    [InlineData(98)]
    [InlineData(99)]
    [InlineData(100)]
    public void A_cut_never_splits_a_character_outside_the_basic_plane(int prefix)
    {
        string name = new string('x', prefix) + "\ud83d\ude00\ud83d\ude00tail";
        string cleaned = StoreText.Clean(name, StoreText.MaxName)!;
        Assert.InRange(cleaned.Length, 1, StoreText.MaxName);
        AssertValidUtf16(cleaned);
        Assert.EndsWith("…", cleaned, StringComparison.Ordinal);
        _ = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(cleaned); // what a strict encoder (Npgsql) does
    }

    [Fact]
    public void Lone_surrogates_escapes_and_overrides_become_spaces_and_short_clean_text_is_kept()
    {
        Assert.Equal("a b c d", StoreText.Clean("a\ud800b\u001bc\u202ed", 100));
        Assert.Equal("a b", StoreText.Clean("a\udc00b", 100));
        Assert.Equal("Luma 🛒 Store", StoreText.Clean("Luma 🛒 Store", 100));
        Assert.Null(StoreText.Clean(null, 100));
    }
}
