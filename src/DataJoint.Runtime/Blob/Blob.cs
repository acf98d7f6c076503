using System.Buffers;
using System.Numerics;

namespace DataJoint;

/// <summary>
/// DataJoint's <c>&lt;blob&gt;</c> serialization, byte-compatible with DataJoint Python (<c>dj0</c>) and
/// MATLAB (<c>mYm</c>). See docs/blob.md for the mapping between blob elements and .NET types.
/// </summary>
public static class Blob
{
    /// <summary>"mYm\0" read as a little-endian u32.</summary>
    internal const uint HeaderMym = 0x006D596D;

    /// <summary>"dj0\0" read as a little-endian u32.</summary>
    internal const uint HeaderDj0 = 0x00306A64;

    /// <summary>Blobs of at most this many bytes (header included) are never compressed.</summary>
    public const int CompressionThreshold = 1000;

    /// <summary>
    /// Packs a value. With <paramref name="compress"/> (the default, as DataJoint's codec does) a blob longer
    /// than 1000 bytes is zlib-compressed, and the compressed form is kept only if strictly smaller.
    /// </summary>
    /// <exception cref="DataJointException">The value (or something inside it) has no blob representation.</exception>
    public static byte[] Pack(object? value, bool compress = true)
    {
        long exact = ExactSize(value);
        if (exact > 0)
        {
            // Exactly sized: written once into its final array, which is returned as is unless the compressed form
            // replaces it (no pooled buffer, no copy of the uncompressed blob).
            using var exactWriter = new BlobWriter(GC.AllocateUninitializedArray<byte>((int)exact));
            exactWriter.WriteValue(value);
            return exactWriter.ToArray(compress);
        }
        using (var writer = new BlobWriter(256))
        {
            writer.WriteValue(value);
            return writer.ToArray(compress);
        }
    }

    /// <summary>Packs a value into <paramref name="destination"/> (same rules as <see cref="Pack(object?, bool)"/>).</summary>
    public static void Pack(object? value, IBufferWriter<byte> destination, bool compress = true)
    {
        ArgumentNullException.ThrowIfNull(destination);
        long exact = ExactSize(value);
        using var writer = new BlobWriter(exact > 0 ? (int)exact : 256);
        writer.WriteValue(value);
        writer.WriteTo(destination, compress);
    }

    /// <summary>Packs a value and writes the bytes to <paramref name="destination"/>.</summary>
    public static void Pack(object? value, Stream destination, bool compress = true)
    {
        ArgumentNullException.ThrowIfNull(destination);
        long exact = ExactSize(value);
        using var writer = new BlobWriter(exact > 0 ? (int)exact : 256);
        writer.WriteValue(value);
        if (compress && BlobCompression.TryCompress(writer.WrittenSpan, BlobCompression.DefaultLevel) is { } packed)
            destination.Write(packed);
        else
            destination.Write(writer.WrittenSpan);
    }

    /// <summary>Compression with an explicit zlib level 0-9 (benchmarks compare levels with it).</summary>
    internal static byte[] Pack(object? value, int zlibLevel)
    {
        long exact = ExactSize(value);
        using var writer = new BlobWriter(exact > 0 ? (int)exact : 256);
        writer.WriteValue(value);
        return BlobCompression.TryCompress(writer.WrittenSpan, zlibLevel) ?? writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Decodes a blob (compressed or not, <c>mYm</c> or <c>dj0</c>) into .NET values (see docs/blob.md).
    /// </summary>
    /// <exception cref="DataJointException">The bytes are not a valid blob; the message gives the offset and what was expected.</exception>
    public static object? Unpack(ReadOnlySpan<byte> data, BlobReadOptions? options = null)
    {
        options ??= BlobReadOptions.Default;
        if (!BlobCompression.IsCompressed(data))
            return new BlobReader(data, options, inflated: false).ReadBlob();
        byte[] inflated = BlobCompression.Inflate(data, options, out int length);
        try
        {
            return new BlobReader(inflated.AsSpan(0, length), options, inflated: true).ReadBlob();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(inflated);
        }
    }

    /// <summary>Reads the whole stream and decodes it as a blob.</summary>
    public static object? Unpack(Stream stream, BlobReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Unpack(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), options);
    }

    /// <summary>
    /// Decodes a blob and converts it to <typeparamref name="T"/> (see <see cref="ConvertValue{T}"/>): e.g.
    /// <c>double</c> accepts a Python float, a numpy scalar or a 1×1 MATLAB double; <c>double[]</c> gives the
    /// column-major data of any double array; <c>string</c> accepts a str or a MATLAB char row.
    /// </summary>
    public static T Unpack<T>(ReadOnlySpan<byte> data, BlobReadOptions? options = null) => ConvertValue<T>(Unpack(data, options));

    /// <summary>Decodes a blob holding a dict with string keys (or a 1×1 MATLAB struct) as an ordered dictionary.</summary>
    public static IReadOnlyDictionary<string, object?> UnpackDictionary(ReadOnlySpan<byte> data, BlobReadOptions? options = null) =>
        ConvertValue<IReadOnlyDictionary<string, object?>>(Unpack(data, options));

    /// <summary>True when the bytes start with the <c>ZL123\0</c> compression envelope.</summary>
    public static bool IsCompressed(ReadOnlySpan<byte> data) => BlobCompression.IsCompressed(data);

    /// <summary>The uncompressed blob (header + element): inflates a compressed blob, copies an uncompressed one.</summary>
    public static byte[] Decompress(ReadOnlySpan<byte> data, BlobReadOptions? options = null)
    {
        if (!BlobCompression.IsCompressed(data)) return data.ToArray();
        byte[] inflated = BlobCompression.Inflate(data, options ?? BlobReadOptions.Default, out int length);
        try
        {
            return inflated.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(inflated);
        }
    }

    /// <summary>Converts a decoded blob value to <typeparamref name="T"/>; raises <see cref="DataJointException"/> when it does not fit.</summary>
    public static T ConvertValue<T>(object? value)
    {
        if (value is T t) return t;
        return (T)BlobConvert.To(value, typeof(T))!;
    }

    /// <summary>The exact packed size of a large numeric array (so Pack allocates once and never copies), else 0.</summary>
    private static long ExactSize(object? value)
    {
        const int headerAndCode = 5, classAndFlag = 8;
        switch (value)
        {
            case BlobArray a when a.Class != BlobClass.Object:
                return headerAndCode + 8 + 8L * a.Rank + classAndFlag + (long)a.Length * BlobArray.ElementSize(a.Class) * (a.IsComplex ? 2 : 1);
            case byte[] bytes when bytes.GetType() == typeof(byte[]):
                return headerAndCode + 8 + bytes.Length;
            case Array arr when arr.Rank == 1 && arr.GetType().GetElementType() is { IsPrimitive: true } et && BlobArray.ClassOf(et) is { } cls:
                int rank = et == typeof(char) ? 2 : 1;
                return headerAndCode + 8 + 8L * rank + classAndFlag + (long)arr.Length * BlobArray.ElementSize(cls);
            default:
                return 0;
        }
    }
}

/// <summary>Conversion of decoded values to requested .NET types (per value, not per element).</summary>
internal static class BlobConvert
{
    public static object? To(object? value, Type target)
    {
        if (value is not null && target.IsInstanceOfType(value)) return value;
        Type? nullable = Nullable.GetUnderlyingType(target);
        if (value is null)
        {
            if (!target.IsValueType || nullable is not null) return null;
            throw Fail(value, target);
        }
        if (nullable is not null) target = nullable;

        // Single-element arrays (numpy scalars, MATLAB 1×1) stand for their element.
        if (value is BlobArray { Length: 1 } one && !target.IsArray && !typeof(BlobArray).IsAssignableFrom(target) && target != typeof(string))
        {
            if (one.IsComplex && target == typeof(Complex))
                return one switch
                {
                    BlobArray<double> d => new Complex(d.Data[0], d.Imaginary![0]),
                    BlobArray<float> f => new Complex(f.Data[0], f.Imaginary![0]),
                    _ => throw Fail(value, target),
                };
            if (one.IsDateTime64 && one is BlobArray<long> dt64)
            {
                var dt = BlobArrayExtensions.DateTime64ToDateTime(dt64.Data[0], dt64.Class);
                return dt is null ? (nullable is not null ? null : throw Fail(value, target)) : To(dt.Value, target);
            }
            return To(one.GetData().GetValue(0), target);
        }

        try
        {
            if (target == typeof(string))
            {
                return value switch
                {
                    BlobArray<char> chars when chars.Rank <= 1 || chars.Shape[0] == 1 => new string(chars.Data),
                    BlobArray<object?> { Length: 1 } o when o.Data[0] is string s => s,
                    char c => c.ToString(),
                    _ => throw Fail(value, target),
                };
            }
            if (target == typeof(Complex))
            {
                return value switch
                {
                    double d => new Complex(d, 0),
                    long l => new Complex(l, 0),
                    _ => throw Fail(value, target),
                };
            }
            if (target == typeof(BigInteger))
            {
                return value switch
                {
                    long l => new BigInteger(l),
                    ulong u => new BigInteger(u),
                    IConvertible c when IsIntegral(value) => new BigInteger(c.ToDecimal(null)),
                    _ => throw Fail(value, target),
                };
            }
            if (target == typeof(decimal) && value is BlobDecimal bd)
                return bd.TryGetDecimal(out decimal dec) ? dec : throw Fail(value, target);
            if (target == typeof(DateOnly) && value is DateTime dt1) return DateOnly.FromDateTime(dt1);
            if (target == typeof(TimeOnly) && value is DateTime dt2) return TimeOnly.FromDateTime(dt2);
            if (target == typeof(DateTime) && value is DateOnly d1) return d1.ToDateTime(TimeOnly.MinValue);
            if (target == typeof(TimeSpan) && value is TimeOnly t1) return t1.ToTimeSpan();
            if (target.IsPrimitive || target == typeof(decimal))
            {
                if (value is BigInteger big)
                    return Convert.ChangeType((decimal)big, target, System.Globalization.CultureInfo.InvariantCulture);
                if (value is IConvertible && value is not string && value is not DateTime)
                {
                    // A floating value converts to an integer type only when it is integral.
                    if (IsIntegralType(target) && value is double or float && Math.Truncate(Convert.ToDouble(value, null)) != Convert.ToDouble(value, null))
                        throw Fail(value, target);
                    return Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture);
                }
                throw Fail(value, target);
            }
            if (target.IsArray)
                return ToArray(value, target);
            if (target == typeof(IReadOnlyDictionary<string, object?>) || target == typeof(IDictionary<string, object?>) || target == typeof(Dictionary<string, object?>))
            {
                IReadOnlyDictionary<string, object?> dict = value switch
                {
                    BlobDictionary d => d,
                    MatStruct { Length: 1 } s => s.AsDictionary(),
                    _ => throw Fail(value, target),
                };
                if (target == typeof(IReadOnlyDictionary<string, object?>)) return dict;
                var copy = new Dictionary<string, object?>(dict.Count);
                foreach (var (k, v) in dict) copy.Add(k, v);
                return copy;
            }
            if (target == typeof(List<object?>) || target == typeof(IReadOnlyList<object?>) || target == typeof(IList<object?>))
            {
                return value switch
                {
                    BlobTuple t => new List<object?>(t),
                    MatCell c => new List<object?>(c),
                    BlobArray<object?> o => new List<object?>(o.Data),
                    _ => throw Fail(value, target),
                };
            }
        }
        catch (Exception e) when (e is InvalidCastException or OverflowException or FormatException)
        {
            throw new DataJointException($"Blob: cannot convert a decoded {Describe(value)} to {target.Name}: {e.Message}", e);
        }
        throw Fail(value, target);
    }

    private static object ToArray(object value, Type target)
    {
        Type element = target.GetElementType()!;
        int rank = target.GetArrayRank();
        if (value is BlobArray a && a.ElementType == element && !a.IsDateTime64 || value is BlobArray<long> { IsDateTime64: true } && element == typeof(long))
        {
            var arr = (BlobArray)value;
            if (rank == 1) return arr.GetData(); // column-major data, no copy
            if (rank == 2) return ToRank(arr, 2);
            if (rank == 3) return ToRank(arr, 3);
            if (arr.Rank == rank) return ToRank(arr, rank);
            throw Fail(value, target);
        }
        if (rank == 1 && value is BlobArray<long> dt && dt.IsDateTime64 && (element == typeof(DateTime?) || element == typeof(DateTime)))
        {
            var dates = dt.ToDateTimes();
            if (element == typeof(DateTime?)) return dates;
            var plain = new DateTime[dates.Length];
            for (int i = 0; i < dates.Length; i++) plain[i] = dates[i] ?? throw Fail(value, target);
            return plain;
        }
        if (rank == 1 && element == typeof(Complex) && value is BlobArray<double> cd) return cd.ToComplexArray();
        if (rank == 1 && element == typeof(Complex) && value is BlobArray<float> cf) return cf.ToComplexArray();
        if (rank == 1 && value is System.Collections.IEnumerable items and not string and not BlobArray)
        {
            var list = new List<object?>();
            foreach (var item in items) list.Add(To(item, element));
            var result = Array.CreateInstanceFromArrayType(target, list.Count); // target is element[] (rank 1)
            for (int i = 0; i < list.Count; i++) result.SetValue(list[i], i);
            return result;
        }
        if (rank == 1 && value is BlobArray<object?> objects)
        {
            var result = Array.CreateInstanceFromArrayType(target, objects.Length);
            for (int i = 0; i < objects.Length; i++) result.SetValue(To(objects.Data[i], element), i);
            return result;
        }
        throw Fail(value, target);
    }

    private static object ToRank(BlobArray array, int rank) => array.ToDotNetArray(rank);

    private static bool IsIntegral(object v) => v is sbyte or byte or short or ushort or int or uint or long or ulong;

    private static bool IsIntegralType(Type t) =>
        t == typeof(sbyte) || t == typeof(byte) || t == typeof(short) || t == typeof(ushort) || t == typeof(int) || t == typeof(uint) || t == typeof(long) || t == typeof(ulong);

    private static string Describe(object? value) => value switch
    {
        null => "None",
        BlobArray a => $"{a.Class} array [{string.Join(", ", a.Shape)}]{(a.IsComplex ? " (complex)" : "")}",
        _ => value.GetType().Name,
    };

    private static DataJointException Fail(object? value, Type target) =>
        new($"Blob: cannot convert a decoded {Describe(value)} to {target.Name}.");
}
