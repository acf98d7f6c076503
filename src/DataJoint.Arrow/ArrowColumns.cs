using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace DataJoint.Arrow;

/// <summary>Builds one Arrow array from a column of fetched values, by the attribute's kind (or, for codec and computed attributes, its values).</summary>
internal static class ArrowColumns
{
    public static IArrowArray Build(HeadingAttribute attribute, object?[] values)
    {
        if (attribute.CodecName is null)
        {
            switch (attribute.Kind)
            {
                case AttributeKind.Int8: return Fill(new Int8Array.Builder(), values, (b, v) => b.Append(Convert.ToSByte(v)), b => b.AppendNull(), b => b.Build());
                case AttributeKind.Int16: return Fill(new Int16Array.Builder(), values, (b, v) => b.Append(Convert.ToInt16(v)), b => b.AppendNull(), b => b.Build());
                case AttributeKind.Int32: return Fill(new Int32Array.Builder(), values, (b, v) => b.Append(Convert.ToInt32(v)), b => b.AppendNull(), b => b.Build());
                case AttributeKind.Int64: return Fill(new Int64Array.Builder(), values, (b, v) => b.Append(Convert.ToInt64(v)), b => b.AppendNull(), b => b.Build());
                case AttributeKind.UInt8: return Fill(new UInt8Array.Builder(), values, (b, v) => b.Append(Convert.ToByte(v)), b => b.AppendNull(), b => b.Build());
                case AttributeKind.UInt16: return Fill(new UInt16Array.Builder(), values, (b, v) => b.Append(Convert.ToUInt16(v)), b => b.AppendNull(), b => b.Build());
                case AttributeKind.UInt32: return Fill(new UInt32Array.Builder(), values, (b, v) => b.Append(Convert.ToUInt32(v)), b => b.AppendNull(), b => b.Build());
                case AttributeKind.UInt64: return Fill(new UInt64Array.Builder(), values, (b, v) => b.Append(Convert.ToUInt64(v)), b => b.AppendNull(), b => b.Build());
                case AttributeKind.Float32: return Fill(new FloatArray.Builder(), values, (b, v) => b.Append(Convert.ToSingle(v)), b => b.AppendNull(), b => b.Build());
                case AttributeKind.Float64: return Fill(new DoubleArray.Builder(), values, (b, v) => b.Append(Convert.ToDouble(v)), b => b.AppendNull(), b => b.Build());
                case AttributeKind.Bool: return Fill(new BooleanArray.Builder(), values, (b, v) => b.Append((bool)v), b => b.AppendNull(), b => b.Build());
                case AttributeKind.Decimal:
                {
                    var (p, s) = attribute.DecimalSize ?? (38, 10);
                    return Fill(new Decimal128Array.Builder(new Decimal128Type(p, s)), values, (b, v) => b.Append((decimal)v), b => b.AppendNull(), b => b.Build());
                }
                case AttributeKind.String or AttributeKind.Enum:
                    return Fill(new StringArray.Builder(), values, (b, v) => b.Append((string)v), b => b.AppendNull(), b => b.Build());
                case AttributeKind.Json:
                    return Fill(new StringArray.Builder(), values, (b, v) => b.Append(((JsonElement)v).GetRawText()), b => b.AppendNull(), b => b.Build());
                case AttributeKind.Bytes:
                    return Fill(new BinaryArray.Builder(), values, (b, v) => b.Append(((byte[])v).AsSpan()), b => b.AppendNull(), b => b.Build());
                case AttributeKind.Uuid:
                    return Fill(new GuidArray.Builder(), values, (b, v) => b.Append((Guid)v), b => b.AppendNull(), b => b.Build());
                case AttributeKind.Date:
                    return Fill(new Date32Array.Builder(), values, (b, v) => b.Append((DateOnly)v), b => b.AppendNull(), b => b.Build());
                case AttributeKind.DateTime:
                    return Fill(new TimestampArray.Builder(new TimestampType(TimeUnit.Microsecond, (string?)null)), values,
                        (b, v) => b.Append(new DateTimeOffset(DateTime.SpecifyKind((DateTime)v, DateTimeKind.Unspecified), TimeSpan.Zero)), b => b.AppendNull(), b => b.Build());
                case AttributeKind.Time:
                    return Fill(new DurationArray.Builder(DurationType.Microsecond), values, (b, v) => b.Append((TimeSpan)v), b => b.AppendNull(), b => b.Build());
            }
        }
        return FromValues(attribute, values);
    }

    /// <summary>A codec or computed attribute: the array type follows its values.</summary>
    private static IArrowArray FromValues(HeadingAttribute attribute, object?[] values)
    {
        var first = values.FirstOrDefault(v => v is not null);
        switch (first)
        {
            case null:
                return new NullArray(values.Length);
            case sbyte or short or int or long or byte or ushort or uint:
                return Fill(new Int64Array.Builder(), values, (b, v) => b.Append(Convert.ToInt64(Checked(attribute, v, IsInteger))), b => b.AppendNull(), b => b.Build());
            case ulong:
                return Fill(new UInt64Array.Builder(), values, (b, v) => b.Append((ulong)Checked(attribute, v, x => x is ulong)), b => b.AppendNull(), b => b.Build());
            case float or double:
                return Fill(new DoubleArray.Builder(), values, (b, v) => b.Append(Convert.ToDouble(Checked(attribute, v, IsNumber))), b => b.AppendNull(), b => b.Build());
            case decimal:
                return Fill(new Decimal128Array.Builder(new Decimal128Type(38, 10)), values, (b, v) => b.Append((decimal)Checked(attribute, v, x => x is decimal)),
                    b => b.AppendNull(), b => b.Build());
            case bool:
                return Fill(new BooleanArray.Builder(), values, (b, v) => b.Append((bool)Checked(attribute, v, x => x is bool)), b => b.AppendNull(), b => b.Build());
            case string:
                return Fill(new StringArray.Builder(), values, (b, v) => b.Append((string)Checked(attribute, v, x => x is string)), b => b.AppendNull(), b => b.Build());
            case byte[]:
                return Fill(new BinaryArray.Builder(), values, (b, v) => b.Append(((byte[])Checked(attribute, v, x => x is byte[])).AsSpan()), b => b.AppendNull(), b => b.Build());
            case double[] or BlobArray<double>:
                return List(attribute, values, DoubleType.Default, new DoubleArray.Builder(), (DoubleArray.Builder b, double x) => b.Append(x));
            case float[] or BlobArray<float>:
                return List(attribute, values, FloatType.Default, new FloatArray.Builder(), (FloatArray.Builder b, float x) => b.Append(x));
            case long[] or BlobArray<long>:
                return List(attribute, values, Int64Type.Default, new Int64Array.Builder(), (Int64Array.Builder b, long x) => b.Append(x));
            case int[] or BlobArray<int>:
                return List(attribute, values, Int32Type.Default, new Int32Array.Builder(), (Int32Array.Builder b, int x) => b.Append(x));
            default:
                throw new DataJointException(
                    $"Attribute `{attribute.Name}` holds {first.GetType().Name} values, which have no Arrow column type here; " +
                    "project the attribute away or fetch it with FetchAsync.") { Attribute = attribute.Name };
        }
    }

    private static bool IsInteger(object v) => v is sbyte or short or int or long or byte or ushort or uint;

    private static bool IsNumber(object v) => v is float or double || IsInteger(v);

    private static object Checked(HeadingAttribute attribute, object value, Func<object, bool> fits) =>
        fits(value)
            ? value
            : throw new DataJointException($"Attribute `{attribute.Name}` mixes value types ({value.GetType().Name} among others); an Arrow column has one type.")
            {
                Attribute = attribute.Name,
            };

    /// <summary>A List&lt;T&gt; column of 1-D arrays (<c>T[]</c> or a one-dimensional <c>BlobArray&lt;T&gt;</c>).</summary>
    private static ListArray List<T, TBuilder>(HeadingAttribute attribute, object?[] values, IArrowType element, TBuilder items, Action<TBuilder, T> append)
        where TBuilder : IArrowArrayBuilder<IArrowArray, TBuilder>
    {
        var offsets = new ArrowBuffer.Builder<int>();
        var validity = new ArrowBuffer.BitmapBuilder();
        var total = 0;
        var nulls = 0;
        offsets.Append(0);
        foreach (var v in values)
        {
            T[]? data = v switch
            {
                null => null,
                T[] a => a,
                BlobArray<T> { Rank: <= 1 } b => b.Data,
                BlobArray<T> b => throw new DataJointException(
                    $"Attribute `{attribute.Name}` holds a {b.Rank}-dimensional array; only 1-D arrays become Arrow lists.") { Attribute = attribute.Name },
                _ => throw new DataJointException($"Attribute `{attribute.Name}` mixes value types ({v.GetType().Name} among others); an Arrow column has one type.")
                {
                    Attribute = attribute.Name,
                },
            };
            if (data is null)
            {
                validity.Append(false);
                nulls++;
            }
            else
            {
                validity.Append(true);
                foreach (var x in data) append(items, x);
                total += data.Length;
            }
            offsets.Append(total);
        }
        var valueArray = items.Build(default);
        return new ListArray(new ListType(element), values.Length, offsets.Build(), valueArray, validity.Build(), nulls);
    }

    private static IArrowArray Fill<TBuilder>(TBuilder builder, object?[] values, Action<TBuilder, object> append, Action<TBuilder> appendNull,
        Func<TBuilder, IArrowArray> build)
    {
        foreach (var v in values)
        {
            if (v is null) appendNull(builder);
            else append(builder, v);
        }
        return build(builder);
    }
}
