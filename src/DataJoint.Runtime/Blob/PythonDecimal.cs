using System.Globalization;
using System.Text;

namespace DataJoint;

/// <summary>
/// Python's <c>str(Decimal)</c> text for a .NET <see cref="decimal"/> (the <c>d</c> blob code stores that
/// text), following the rules of the Python <c>decimal</c> module's <c>__str__</c>: plain notation while the
/// exponent is ≤ 0 and the adjusted exponent ≥ −6, scientific notation otherwise. Hand-written: no .NET
/// formatter reproduces Python's rules (e.g. 1E-7, trailing zeros kept from the scale).
/// </summary>
internal static class PythonDecimal
{
    public static string Format(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        bool negative = bits[3] < 0;
        int scale = (bits[3] >> 16) & 0xFF;
        var coefficient = new UInt128((ulong)(uint)bits[2], ((ulong)(uint)bits[1] << 32) | (uint)bits[0]);
        string digits = coefficient.ToString(CultureInfo.InvariantCulture);
        int exp = -scale;
        int leftDigits = exp + digits.Length;
        int dotPlace = exp <= 0 && leftDigits > -6 ? leftDigits : 1;
        string intPart, fracPart;
        if (dotPlace <= 0)
        {
            intPart = "0";
            fracPart = "." + new string('0', -dotPlace) + digits;
        }
        else if (dotPlace >= digits.Length)
        {
            intPart = digits + new string('0', dotPlace - digits.Length);
            fracPart = "";
        }
        else
        {
            intPart = digits[..dotPlace];
            fracPart = "." + digits[dotPlace..];
        }
        string expPart = leftDigits == dotPlace ? "" : "E" + (leftDigits - dotPlace).ToString("+0;-0", CultureInfo.InvariantCulture);
        var sb = new StringBuilder(digits.Length + 8);
        if (negative) sb.Append('-');
        return sb.Append(intPart).Append(fracPart).Append(expPart).ToString();
    }

    /// <summary>Accepts what Python's Decimal constructor accepts from str(): numbers, NaN, sNaN, Infinity.</summary>
    public static bool IsValidText(ReadOnlySpan<byte> text)
    {
        int i = 0;
        if (i < text.Length && (text[i] == '+' || text[i] == '-')) i++;
        var rest = text[i..];
        if (rest.Length == 0) return false;
        if (IsWord(rest, "Infinity"u8) || IsWord(rest, "Inf"u8)) return true;
        if (StartsWithWord(rest, "sNaN"u8, out int n) || StartsWithWord(rest, "NaN"u8, out n))
        {
            // NaN may carry a payload of digits.
            for (int k = n; k < rest.Length; k++) if (!IsDigit(rest[k])) return false;
            return true;
        }
        int digits = 0;
        int j = 0;
        while (j < rest.Length && IsDigit(rest[j])) { j++; digits++; }
        if (j < rest.Length && rest[j] == '.')
        {
            j++;
            while (j < rest.Length && IsDigit(rest[j])) { j++; digits++; }
        }
        if (digits == 0) return false;
        if (j < rest.Length && (rest[j] == 'E' || rest[j] == 'e'))
        {
            j++;
            if (j < rest.Length && (rest[j] == '+' || rest[j] == '-')) j++;
            int expDigits = 0;
            while (j < rest.Length && IsDigit(rest[j])) { j++; expDigits++; }
            if (expDigits == 0) return false;
        }
        return j == rest.Length;
    }

    private static bool IsDigit(byte b) => b >= '0' && b <= '9';

    private static bool IsWord(ReadOnlySpan<byte> s, ReadOnlySpan<byte> word) =>
        s.Length == word.Length && StartsWithWord(s, word, out _);

    private static bool StartsWithWord(ReadOnlySpan<byte> s, ReadOnlySpan<byte> word, out int length)
    {
        length = word.Length;
        if (s.Length < word.Length) return false;
        for (int i = 0; i < word.Length; i++)
            if ((s[i] | 0x20) != (word[i] | 0x20)) return false;
        return true;
    }
}
