using System.Text;
using PerfSecurity.Native;
using Xunit;

namespace PerfSecurity.Tests.Capabilities;

public sealed class PathBytesTests
{
    [Theory]
    [InlineData("2f782f626164fffe6e616d65", "/x/bad\\xff\\xfename")]
    [InlineData("637574c3", "cut\\xc3")]
    [InlineData("eda080", "\\xed\\xa0\\x80")]
    [InlineData("c0af", "\\xc0\\xaf")]
    [InlineData("f09f9880", "\U0001F600")]
    [InlineData("636166c3a9", "café")]
    [InlineData("6261636b5c736c617368", "back\\slash")]
    public void Names_decode_for_display_and_encode_back_to_their_bytes(string hex, string display)
    {
        byte[] bytes = Convert.FromHexString(hex);
        string path = PathBytes.Decode(bytes);
        Assert.Equal(display, PathBytes.Display(path));
        Assert.Equal(bytes, PathBytes.Encode(path));
    }

    [Fact]
    public void Every_byte_string_round_trips_and_valid_UTF8_is_left_alone()
    {
        var rng = new Random(383);
        for (int k = 0; k < 20000; k++)
        {
            var bytes = new byte[rng.Next(0, 24)];
            rng.NextBytes(bytes);
            // Bias towards the high bytes UTF-8 sequences are made of.
            for (int i = 0; i < bytes.Length; i++) if (rng.Next(3) == 0) bytes[i] |= 0x80;
            string path = PathBytes.Decode(bytes);
            Assert.Equal(bytes, PathBytes.Encode(path));
            bool valid = System.Text.Unicode.Utf8.IsValid(bytes);
            Assert.Equal(!valid, PathBytes.HasEscapes(path));
            if (valid) Assert.Equal(Encoding.UTF8.GetString(bytes), path);
        }
    }

    [Fact]
    public void A_pair_whose_low_half_falls_in_the_escape_range_is_a_character()
    {
        // U+10380 is D800 DF80 in UTF-16; U+103C0 ends in DFC0; U+1F680 ends in DE80 - none are escapes.
        foreach (string s in new[] { "\U00010380", "\U000103C0", "\U0001F680", "\U00010080" })
            Assert.Equal(Encoding.UTF8.GetBytes(s), PathBytes.Encode(s));
        Assert.Equal(new byte[] { 0xF0, 0x90, 0x82, 0x80 }, PathBytes.Encode("\U00010080"));
    }
}
