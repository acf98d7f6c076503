using System.Data.Common;
using System.Text.Json;

namespace DataJoint;

/// <summary>Per-kind readers that turn a driver column into the .NET value DataJoint returns (chosen once per fetch).</summary>
internal static class ColumnReaders
{
    public delegate object ReadColumn(DbDataReader reader, int ordinal);

    public static ReadColumn For(AttributeKind kind) => kind switch
    {
        AttributeKind.Int8 => static (r, i) => ReadInt8(r, i),
        AttributeKind.Int16 => static (r, i) => r.GetInt16(i),
        AttributeKind.Int32 => static (r, i) => r.GetInt32(i),
        AttributeKind.Int64 => static (r, i) => r.GetInt64(i),
        AttributeKind.UInt8 => static (r, i) => r.GetByte(i),
        AttributeKind.UInt16 => static (r, i) => r.GetFieldValue<ushort>(i),
        AttributeKind.UInt32 => static (r, i) => r.GetFieldValue<uint>(i),
        AttributeKind.UInt64 => static (r, i) => r.GetFieldValue<ulong>(i),
        AttributeKind.Float32 => static (r, i) => ReadFloat32(r, i),
        AttributeKind.Float64 => static (r, i) => r.GetDouble(i),
        AttributeKind.Decimal => static (r, i) => r.GetDecimal(i),
        AttributeKind.Bool => static (r, i) => ReadBool(r, i),
        AttributeKind.Uuid => static (r, i) => ReadGuid(r, i),
        AttributeKind.Json => static (r, i) => ParseJson(r.GetValue(i)),
        AttributeKind.Bytes => static (r, i) => r.GetFieldValue<byte[]>(i),
        AttributeKind.Date => static (r, i) => r.GetFieldValue<DateOnly>(i),
        AttributeKind.DateTime => static (r, i) => r.GetDateTime(i),
        AttributeKind.Time => static (r, i) => r.GetFieldValue<TimeSpan>(i),
        AttributeKind.String or AttributeKind.Enum => static (r, i) => r.GetString(i),
        _ => static (r, i) => r.GetValue(i),
    };

    /// <summary><c>int8</c>: the driver may return any integer type for a tinyint.</summary>
    public static sbyte ReadInt8(DbDataReader r, int i) => Convert.ToSByte(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary><c>float32</c>: fetched as <c>CAST(... AS DOUBLE)</c> (the text protocol rounds FLOAT to 6 digits).</summary>
    public static float ReadFloat32(DbDataReader r, int i) => (float)r.GetDouble(i);

    /// <summary><c>bool</c>: stored as tinyint; any non-zero value is true.</summary>
    public static bool ReadBool(DbDataReader r, int i) => Convert.ToInt32(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) != 0;

    /// <summary><c>uuid</c>: binary(16) holding the RFC 4122 big-endian bytes.</summary>
    public static Guid ReadGuid(DbDataReader r, int i)
    {
        var v = r.GetValue(i);
        return v switch
        {
            byte[] { Length: 16 } b => new Guid(b, bigEndian: true),
            Guid g => g,
            _ => throw new DataJointException($"A uuid column holds a {v.GetType().Name} that is not 16 bytes"),
        };
    }

    public static JsonElement ParseJson(object v)
    {
        using var doc = v switch
        {
            string s => JsonDocument.Parse(s),
            byte[] b => JsonDocument.Parse(b),
            _ => JsonDocument.Parse(v.ToString() ?? "null"),
        };
        return doc.RootElement.Clone();
    }
}
