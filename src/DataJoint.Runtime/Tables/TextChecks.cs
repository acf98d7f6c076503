namespace DataJoint;

/// <summary>Checks text before it is written: UTF-8 (what the server and DataJoint Python store) cannot hold an unpaired UTF-16 surrogate.</summary>
internal static class TextChecks
{
    /// <summary>The index of the first unpaired surrogate of <paramref name="s"/>, or null when the text is valid UTF-16.</summary>
    public static int? UnpairedSurrogate(ReadOnlySpan<char> s)
    {
        // Most text has no surrogates at all: one vectorized scan decides.
        var i = s.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0) return null;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (!char.IsSurrogate(c)) continue;
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
                continue;
            }
            return i;
        }
        return null;
    }
}
