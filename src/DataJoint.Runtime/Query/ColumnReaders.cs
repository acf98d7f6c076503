using System.Data.Common;
using System.Text.Json;

namespace DataJoint;

/// <summary>
/// Per-kind readers that turn a driver column into the .NET value DataJoint returns (chosen once per fetch). Each reads
/// the value either boxed (one row's values) or into a typed column of a <see cref="RowBlock"/> (no box per value).
/// </summary>
internal static class ColumnReaders
{
    private static readonly ColumnReader Int8 = new ColumnReader<sbyte>(ReadInt8);
    private static readonly ColumnReader Int16 = new ColumnReader<short>(static (r, i) => r.GetInt16(i));
    private static readonly ColumnReader Int32 = new ColumnReader<int>(static (r, i) => r.GetInt32(i));
    private static readonly ColumnReader Int64 = new ColumnReader<long>(static (r, i) => r.GetInt64(i));
    private static readonly ColumnReader UInt8 = new ColumnReader<byte>(static (r, i) => r.GetByte(i));
    private static readonly ColumnReader UInt16 = new ColumnReader<ushort>(static (r, i) => r.GetFieldValue<ushort>(i));
    private static readonly ColumnReader UInt32 = new ColumnReader<uint>(static (r, i) => r.GetFieldValue<uint>(i));
    private static readonly ColumnReader UInt64 = new ColumnReader<ulong>(static (r, i) => r.GetFieldValue<ulong>(i));
    private static readonly ColumnReader Float32 = new ColumnReader<float>(ReadFloat32);
    private static readonly ColumnReader Float64 = new ColumnReader<double>(static (r, i) => r.GetDouble(i));
    private static readonly ColumnReader Decimal = new ColumnReader<decimal>(static (r, i) => r.GetDecimal(i));
    private static readonly ColumnReader Bool = new ColumnReader<bool>(ReadBool);
    private static readonly ColumnReader Uuid = new ColumnReader<Guid>(ReadGuid);
    private static readonly ColumnReader Json = new ColumnReader<JsonElement>(static (r, i) => ParseJson(r.GetValue(i)));
    private static readonly ColumnReader Bytes = new ColumnReader<byte[]>(static (r, i) => r.GetFieldValue<byte[]>(i));
    private static readonly ColumnReader Date = new ColumnReader<DateOnly>(static (r, i) => r.GetFieldValue<DateOnly>(i));
    private static readonly ColumnReader DateTime = new ColumnReader<DateTime>(static (r, i) => r.GetDateTime(i));
    private static readonly ColumnReader Time = new ColumnReader<TimeSpan>(static (r, i) => r.GetFieldValue<TimeSpan>(i));
    private static readonly ColumnReader String = new ColumnReader<string>(static (r, i) => r.GetString(i));
    private static readonly ColumnReader Other = new ColumnReader<object>(static (r, i) => r.GetValue(i));

    /// <summary>The readers whose values a typed property can take as they are (one per .NET type).</summary>
    private static readonly ColumnReader[] ByType = [Int8, Int16, Int32, Int64, UInt8, UInt16, UInt32, UInt64, Float32, Float64, Decimal, Bool,
        Uuid, Json, Bytes, Date, DateTime, Time, String];

    /// <summary>The reader of <paramref name="type"/> values (a <c>Func&lt;DbDataReader, int, T&gt;</c>), or null when no column kind reads one.</summary>
    public static Delegate? ForType(Type type) => Array.Find(ByType, r => r.ValueType == type)?.Typed;

    public static ColumnReader For(AttributeKind kind) => kind switch
    {
        AttributeKind.Int8 => Int8,
        AttributeKind.Int16 => Int16,
        AttributeKind.Int32 => Int32,
        AttributeKind.Int64 => Int64,
        AttributeKind.UInt8 => UInt8,
        AttributeKind.UInt16 => UInt16,
        AttributeKind.UInt32 => UInt32,
        AttributeKind.UInt64 => UInt64,
        AttributeKind.Float32 => Float32,
        AttributeKind.Float64 => Float64,
        AttributeKind.Decimal => Decimal,
        AttributeKind.Bool => Bool,
        AttributeKind.Uuid => Uuid,
        AttributeKind.Json => Json,
        AttributeKind.Bytes => Bytes,
        AttributeKind.Date => Date,
        AttributeKind.DateTime => DateTime,
        AttributeKind.Time => Time,
        AttributeKind.String or AttributeKind.Enum => String,
        _ => Other,
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

/// <summary>Reads one column kind: boxed, or into a typed block column.</summary>
internal abstract class ColumnReader
{
    /// <summary>The .NET type of the values.</summary>
    public abstract Type ValueType { get; }

    /// <summary>The typed read, a <c>Func&lt;DbDataReader, int, T&gt;</c> of <see cref="ValueType"/>.</summary>
    public abstract Delegate Typed { get; }

    /// <summary>The non-null value of column <paramref name="ordinal"/> of the reader's current row, boxed.</summary>
    public abstract object Read(DbDataReader reader, int ordinal);

    /// <summary>A typed column for <paramref name="capacity"/> rows of a <see cref="RowBlock"/>.</summary>
    public abstract BlockColumn NewColumn(int capacity);
}

/// <summary>A column kind whose values are <typeparamref name="T"/>.</summary>
internal sealed class ColumnReader<T>(Func<DbDataReader, int, T> read) : ColumnReader
{
    public override Type ValueType => typeof(T);

    public override Delegate Typed => read;

    public override object Read(DbDataReader reader, int ordinal) => read(reader, ordinal)!;

    public override BlockColumn NewColumn(int capacity) => new BlockColumn<T>(read, capacity);
}
