using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataJoint;

/// <summary>Stands for the SQL <c>DEFAULT</c> keyword in a value tuple (used for null values, like Python).</summary>
internal sealed class SqlDefault
{
    public static readonly SqlDefault Instance = new();
    private SqlDefault() { }
}

/// <summary>
/// Checks a .NET value against a column and turns it into the value sent to the server. Every rejection is a
/// <see cref="DataJointException"/> naming the table, the attribute and the value's kind; nothing is written
/// before all values have passed.
/// </summary>
internal static class ValueConverter
{
    /// <summary>Converts an insert value; null (and NaN) become <see cref="SqlDefault"/>.</summary>
    public static object ToDb(HeadingAttribute a, object? value, string table, bool encodedByCodec = false)
    {
        if (value is null || value is DBNull) return NullValue(a, table, value);
        // A codec chain ending in json already produced the JSON text.
        if (encodedByCodec && a.Kind == AttributeKind.Json && value is string json) return json;
        // Fast paths: the value already has the column's exact .NET type (no range check needed, no new box).
        switch (a.Kind)
        {
            case AttributeKind.Int32 when value is int:
            case AttributeKind.Int64 when value is long:
            case AttributeKind.Int16 when value is short:
            case AttributeKind.Int8 when value is sbyte:
            case AttributeKind.Float64 when value is double d0 && double.IsFinite(d0):
            case AttributeKind.Date when value is DateOnly:
            case AttributeKind.DateTime when value is DateTime:
                return value;
            case AttributeKind.Bytes when value is byte[] b0 && (a.MaxLength is null || b0.Length <= a.MaxLength):
                return value;
        }
        switch (a.Kind)
        {
            case AttributeKind.Int8: return (sbyte)Integer(a, value, table, sbyte.MinValue, sbyte.MaxValue);
            case AttributeKind.Int16: return (short)Integer(a, value, table, short.MinValue, short.MaxValue);
            case AttributeKind.Int32: return (int)Integer(a, value, table, int.MinValue, int.MaxValue);
            case AttributeKind.Int64: return (long)Integer(a, value, table, long.MinValue, long.MaxValue);
            case AttributeKind.UInt8: return (byte)Integer(a, value, table, 0, byte.MaxValue);
            case AttributeKind.UInt16: return (ushort)Integer(a, value, table, 0, ushort.MaxValue);
            case AttributeKind.UInt32: return (uint)Integer(a, value, table, 0, uint.MaxValue);
            case AttributeKind.UInt64: return (ulong)Integer(a, value, table, 0, ulong.MaxValue);
            case AttributeKind.Float32:
            case AttributeKind.Float64:
                return Float(a, value, table);
            case AttributeKind.Decimal: return Decimal(a, value, table);
            case AttributeKind.Bool:
                return value switch
                {
                    bool b => b ? (sbyte)1 : (sbyte)0,
                    sbyte or byte or short or ushort or int or uint or long or ulong when Integer(a, value, table, 0, 1) is var i => (sbyte)i,
                    _ => throw Bad(a, value, table, "expects a bool"),
                };
            case AttributeKind.Uuid: return Uuid(a, value, table);
            case AttributeKind.Json: return Json(a, value, table);
            case AttributeKind.Bytes: return Bytes(a, value, table);
            case AttributeKind.Date:
                return value switch
                {
                    DateOnly d => d,
                    DateTime dt when dt.TimeOfDay == TimeSpan.Zero => DateOnly.FromDateTime(dt),
                    DateTime => throw Bad(a, value, table, "expects a date without time of day"),
                    _ => throw Bad(a, value, table, "expects a DateOnly"),
                };
            case AttributeKind.DateTime:
                return value switch
                {
                    DateTime dt => dt,
                    DateOnly d => d.ToDateTime(TimeOnly.MinValue),
                    DateTimeOffset => throw Bad(a, value, table, "expects a DateTime (convert the DateTimeOffset to the time zone you store)"),
                    _ => throw Bad(a, value, table, "expects a DateTime"),
                };
            case AttributeKind.Time:
                return value switch
                {
                    TimeSpan ts => ts,
                    TimeOnly t => t.ToTimeSpan(),
                    _ => throw Bad(a, value, table, "expects a TimeSpan"),
                };
            case AttributeKind.String: return String(a, value, table);
            case AttributeKind.Enum:
            {
                if (value is not string s) throw Bad(a, value, table, "expects a string");
                var values = a.EnumValues!;
                for (var i = 0; i < values.Count; i++)
                    if (string.Equals(values[i], s, StringComparison.Ordinal)) return values[i];
                for (var i = 0; i < values.Count; i++)
                    if (string.Equals(values[i], s, StringComparison.OrdinalIgnoreCase)) return values[i];
                throw Bad(a, value, table, $"value '{s}' is not one of the enum values ({string.Join(", ", values.Select(v => "'" + v + "'"))})");
            }
            default:
                return value;
        }
    }

    private static object NullValue(HeadingAttribute a, string table, object? value)
    {
        if (!a.HasDefault)
            throw new DataJointException(
                $"Attribute `{a.Name}` of table {table} cannot be null: it is NOT NULL and has no default (got {(value is null ? "null" : "DBNull")}).") { Attribute = a.Name };
        return SqlDefault.Instance;
    }

    public static DataJointException Bad(HeadingAttribute a, object? value, string table, string what) =>
        new($"Attribute `{a.Name}` ({a.Type}) of table {table} {what}; got {Describe(value)}.") { Attribute = a.Name };

    public static string Describe(object? value) => value switch
    {
        null => "null",
        string s => s.Length > 40 ? $"String of length {s.Length}" : $"String \"{s}\"",
        byte[] b => $"Byte[] of length {b.Length}",
        _ => value.GetType().Name + " " + Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    /// <summary>The value of a .NET integer (any width, signed or not); false for anything else.</summary>
    private static bool TryInteger(object value, out BigInteger v)
    {
        switch (value)
        {
            case int i: v = i; return true;
            case long l: v = l; return true;
            case short s: v = s; return true;
            case sbyte sb: v = sb; return true;
            case byte b: v = b; return true;
            case ushort us: v = us; return true;
            case uint ui: v = ui; return true;
            case ulong ul: v = ul; return true;
            case BigInteger bi: v = bi; return true;
            default: v = default; return false;
        }
    }

    private static BigInteger Integer(HeadingAttribute a, object value, string table, BigInteger min, BigInteger max)
    {
        if (!TryInteger(value, out var v))
            v = value is Enum e ? Convert.ToInt64(e, CultureInfo.InvariantCulture) : throw Bad(a, value, table, "expects an integer");
        if (v < min || v > max) throw Bad(a, value, table, $"value is out of range [{min}, {max}]");
        return v;
    }

    private static object Float(HeadingAttribute a, object value, string table)
    {
        double d = value switch
        {
            double x => x,
            float f => f,
            decimal m => (double)m,
            Half h => (double)h,
            BigInteger => throw Bad(a, value, table, "expects a number"),
            _ when TryInteger(value, out var i) => (double)i,
            _ => throw Bad(a, value, table, "expects a number"),
        };
        if (double.IsNaN(d))
        {
            // Python sends NaN as DEFAULT; a NOT NULL column without a default cannot take it.
            if (!a.HasDefault) throw Bad(a, value, table, "is NOT NULL and cannot store NaN");
            return SqlDefault.Instance;
        }
        if (double.IsInfinity(d)) throw Bad(a, value, table, "cannot store infinity");
        if (a.Kind == AttributeKind.Float32)
        {
            if (Math.Abs(d) > float.MaxValue) throw Bad(a, value, table, "value is out of range for float32");
            // Sent as the double equal to the float: the shortest float text (3.4028235E+38) would overflow FLOAT.
            return (double)(float)d;
        }
        return value is double ? value : d;
    }

    private static object Decimal(HeadingAttribute a, object value, string table)
    {
        decimal m;
        try
        {
            m = value switch
            {
                decimal x => x,
                int i => i,
                long l => l,
                short s => s,
                sbyte sb => sb,
                byte b => b,
                ushort us => us,
                uint ui => ui,
                ulong ul => ul,
                double d when double.IsFinite(d) => (decimal)d,
                float f when float.IsFinite(f) => (decimal)f,
                _ => throw Bad(a, value, table, "expects a decimal"),
            };
        }
        catch (OverflowException)
        {
            throw Bad(a, value, table, "value is out of range");
        }
        if (a.DecimalSize is { } size)
        {
            var limit = Pow10(size.Precision - size.Scale);
            if (Math.Abs(decimal.Truncate(Math.Round(m, size.Scale, MidpointRounding.AwayFromZero))) >= limit)
                throw Bad(a, value, table, $"value does not fit decimal({size.Precision},{size.Scale})");
        }
        return m;
    }

    private static decimal Pow10(int n)
    {
        decimal r = 1;
        for (var i = 0; i < n && i < 28; i++) r *= 10;
        return n >= 29 ? decimal.MaxValue : r;
    }

    private static byte[] Uuid(HeadingAttribute a, object value, string table)
    {
        switch (value)
        {
            case Guid g:
                return g.ToByteArray(bigEndian: true);
            case string s:
                if (!Guid.TryParse(s, out var parsed))
                    throw new DataJointException($"badly formed UUID value {s} for attribute `{a.Name}` of table {table}");
                return parsed.ToByteArray(bigEndian: true);
            case byte[] b when b.Length == 16:
                return b;
            default:
                throw Bad(a, value, table, "expects a Guid");
        }
    }

    private static string Json(HeadingAttribute a, object value, string table)
    {
        try
        {
            return value switch
            {
                JsonElement e => e.GetRawText(),
                JsonDocument d => d.RootElement.GetRawText(),
                JsonNode n => n.ToJsonString(),
                string text when TextChecks.UnpairedSurrogate(text) is { } at => throw UnpairedSurrogate(at, text),
                _ => DataJointJson.Serialize(value, StrictJson),
            };
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
        {
            throw Bad(a, value, table, "expects a value that serializes to JSON (" + ex.Message + ")");
        }
    }

    /// <summary>System.Text.Json writes an unpaired surrogate as U+FFFD without a word; these options refuse it instead.</summary>
    private static readonly JsonSerializerOptions StrictJson = new() { Converters = { new StrictStringConverter() }, TypeInfoResolver = DataJointJson.Resolver };

    private static JsonException UnpairedSurrogate(int at, string text) =>
        new($"a string has an unpaired UTF-16 surrogate at index {at} (U+{(int)text[at]:X4}), which UTF-8 cannot hold");

    private sealed class StrictStringConverter : System.Text.Json.Serialization.JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
        {
            if (TextChecks.UnpairedSurrogate(value) is { } at) throw UnpairedSurrogate(at, value);
            writer.WriteStringValue(value);
        }

        // Dictionary keys are strings too (a converter for string serves them as well).
        public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetString()!;

        public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
        {
            if (TextChecks.UnpairedSurrogate(value) is { } at) throw UnpairedSurrogate(at, value);
            writer.WritePropertyName(value);
        }
    }

    private static byte[] Bytes(HeadingAttribute a, object value, string table)
    {
        var bytes = value switch
        {
            byte[] b => b,
            ReadOnlyMemory<byte> rom => rom.ToArray(),
            Memory<byte> mem => mem.ToArray(),
            ArraySegment<byte> seg => seg.ToArray(),
            _ => throw Bad(a, value, table, "expects a byte[]"),
        };
        if (a.MaxLength is { } max)
        {
            var binaryFixed = a.SqlType.StartsWith("binary", StringComparison.Ordinal);
            if (bytes.Length > max) throw Bad(a, value, table, $"holds at most {max} bytes");
            if (binaryFixed && bytes.Length != max && a.Kind == AttributeKind.Bytes && max == 16 && a.Type == "uuid")
                throw Bad(a, value, table, "expects 16 bytes");
        }
        return bytes;
    }

    private static string String(HeadingAttribute a, object value, string table)
    {
        var s = value switch
        {
            string x => x,
            char c => c.ToString(),
            _ => throw Bad(a, value, table, "expects a string"),
        };
        if (TextChecks.UnpairedSurrogate(s) is { } at)
            throw Bad(a, value, table, $"cannot store the string: it has an unpaired UTF-16 surrogate at index {at} (U+{(int)s[at]:X4}), which UTF-8 cannot hold");
        if (a.MaxLength is { } max)
        {
            var isText = a.SqlType.EndsWith("text", StringComparison.Ordinal);
            if (isText)
            {
                // text columns are limited in bytes
                if (s.Length > max / 4 && Encoding.UTF8.GetByteCount(s) > max)
                    throw Bad(a, value, table, $"holds at most {max} bytes of UTF-8");
            }
            else if (s.Length > max)
            {
                // char/varchar count characters (code points); a UTF-16 surrogate pair is one character.
                var chars = CountCodePoints(s);
                if (chars > max)
                    throw Bad(a, value, table, $"is {a.SqlType} and the string has {chars} characters");
            }
        }
        return s;
    }

    private static int CountCodePoints(string s)
    {
        var n = 0;
        foreach (var c in s) if (!char.IsLowSurrogate(c)) n++;
        return n;
    }

    /// <summary>
    /// An upper bound of the bytes a converted value adds to a statement (for packet-sized batches). Values travel as
    /// quoted literals of the text protocol, where a NUL, quote or backslash takes two bytes: those are counted (a
    /// vectorized pass), so a large value is measured at its real size instead of twice it.
    /// </summary>
    public static long EstimateBytes(object value) => value switch
    {
        string s => s.Length < 64 ? s.Length * 3 + 3 : Encoding.UTF8.GetByteCount(s) + EscapedChars(s) + 3,
        byte[] b => b.Length + EscapedBytes(b) + 12,
        _ => 26,
    };

    private static long EscapedBytes(ReadOnlySpan<byte> b) =>
        (long)b.Count((byte)0) + b.Count((byte)'\'') + b.Count((byte)'"') + b.Count((byte)'\\');

    private static long EscapedChars(ReadOnlySpan<char> s) =>
        (long)s.Count('\0') + s.Count('\'') + s.Count('"') + s.Count('\\');
}
