using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace DataJoint.Stores;

// The NumPy .npy format is written and read by hand: no package in the project's NuGet feed implements it,
// and the format is small (magic, version, a Python-dict header, raw element bytes).

/// <summary>A numeric NumPy element type: its <c>descr</c> (<c>&lt;f8</c>), its name (<c>float64</c>) and the .NET element type.</summary>
public sealed record NpyDtype
{
    private NpyDtype(string descr, string name, int itemSize, Type clrType, Func<int[], Array> newArray)
    {
        NewArray = newArray;
        Descr = descr;
        Name = name;
        ItemSize = itemSize;
        ClrType = clrType;
    }

    /// <summary>Little-endian (or <c>|</c> for one-byte types) NumPy type string, e.g. <c>&lt;f8</c>.</summary>
    public string Descr { get; }
    /// <summary>NumPy dtype name, e.g. <c>float64</c> (what <c>&lt;npy@&gt;</c> metadata records).</summary>
    public string Name { get; }
    /// <summary>Bytes per element.</summary>
    public int ItemSize { get; }
    /// <summary>The .NET element type (complex64 has no float-pair type in .NET: it is <see cref="float"/>, and its arrays read widened to <see cref="Complex"/> or as float pairs).</summary>
    public Type ClrType { get; }

    /// <summary>A .NET array of <see cref="ClrType"/> with the given lengths (no reflection).</summary>
    internal Func<int[], Array> NewArray { get; }

    public static readonly NpyDtype Bool = new("|b1", "bool", 1, typeof(bool), MultiDimensionalArrays.New<bool>);
    public static readonly NpyDtype Int8 = new("|i1", "int8", 1, typeof(sbyte), MultiDimensionalArrays.New<sbyte>);
    public static readonly NpyDtype UInt8 = new("|u1", "uint8", 1, typeof(byte), MultiDimensionalArrays.New<byte>);
    public static readonly NpyDtype Int16 = new("<i2", "int16", 2, typeof(short), MultiDimensionalArrays.New<short>);
    public static readonly NpyDtype UInt16 = new("<u2", "uint16", 2, typeof(ushort), MultiDimensionalArrays.New<ushort>);
    public static readonly NpyDtype Int32 = new("<i4", "int32", 4, typeof(int), MultiDimensionalArrays.New<int>);
    public static readonly NpyDtype UInt32 = new("<u4", "uint32", 4, typeof(uint), MultiDimensionalArrays.New<uint>);
    public static readonly NpyDtype Int64 = new("<i8", "int64", 8, typeof(long), MultiDimensionalArrays.New<long>);
    public static readonly NpyDtype UInt64 = new("<u8", "uint64", 8, typeof(ulong), MultiDimensionalArrays.New<ulong>);
    public static readonly NpyDtype Float16 = new("<f2", "float16", 2, typeof(Half), MultiDimensionalArrays.New<Half>);
    public static readonly NpyDtype Float32 = new("<f4", "float32", 4, typeof(float), MultiDimensionalArrays.New<float>);
    public static readonly NpyDtype Float64 = new("<f8", "float64", 8, typeof(double), MultiDimensionalArrays.New<double>);
    public static readonly NpyDtype Complex64 = new("<c8", "complex64", 8, typeof(float), MultiDimensionalArrays.New<float>);
    public static readonly NpyDtype Complex128 = new("<c16", "complex128", 16, typeof(Complex), MultiDimensionalArrays.New<Complex>);

    private static readonly NpyDtype[] All = [Bool, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float16, Float32, Float64, Complex64, Complex128];

    /// <summary>The dtype of .NET element type <typeparamref name="T"/>.</summary>
    public static NpyDtype For<T>() where T : unmanaged => For(typeof(T));

    /// <summary>The dtype of a .NET element type (bool, sbyte..ulong, Half, float, double, Complex).</summary>
    public static NpyDtype For(Type type) =>
        Array.Find(All, d => d.ClrType == type && d != Complex64)
        ?? throw new DataJointException($"<npy> has no NumPy dtype for .NET element type {type}; supported: bool, sbyte, byte, short, ushort, int, uint, long, ulong, Half, float, double, Complex.");

    /// <summary>Parses a <c>descr</c> (<c>&lt;f8</c>, <c>&gt;i4</c>, <c>|u1</c>, <c>=f4</c>); <paramref name="bigEndian"/> tells whether the data must be byte-swapped.</summary>
    public static NpyDtype FromDescr(string descr, out bool bigEndian)
    {
        ArgumentNullException.ThrowIfNull(descr);
        bigEndian = false;
        var kind = descr;
        if (descr.Length > 1 && descr[0] is '<' or '>' or '|' or '=')
        {
            bigEndian = descr[0] == '>';
            kind = descr[1..];
        }
        var match = Array.Find(All, d => d.Descr[1..] == kind);
        if (match is null)
            throw new DataJointException($"Unsupported .npy dtype '{descr}': only numeric and bool arrays are supported (not strings, datetimes, objects or records).");
        if (match.ItemSize == 1) bigEndian = false;
        return match;
    }

    /// <summary>The dtype with this NumPy name (<c>float64</c>, <c>int8</c>, <c>bool</c>...).</summary>
    public static NpyDtype FromName(string name) =>
        Array.Find(All, d => d.Name == name) ?? throw new DataJointException($"Unsupported NumPy dtype name '{name}'.");

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>
/// An n-dimensional numeric array as stored in a .npy file: dtype, shape, memory order and the raw little-endian
/// element bytes. Convert with <see cref="ToArray{T}"/> (flat, C order) or <see cref="ToMultiDimensionalArray"/>.
/// </summary>
public sealed class NpyArray
{
    /// <summary>Wraps raw element bytes (little-endian, in <paramref name="fortranOrder"/> order).</summary>
    public NpyArray(NpyDtype dtype, IReadOnlyList<long> shape, byte[] data, bool fortranOrder = false)
    {
        ArgumentNullException.ThrowIfNull(dtype);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        Dtype = dtype;
        Shape = shape.ToArray();
        FortranOrder = fortranOrder;
        long count = 1;
        foreach (var d in Shape)
        {
            if (d < 0) throw new DataJointException($"Invalid .npy shape ({string.Join(", ", Shape)}): negative dimension.");
            count *= d;
        }
        Length = count;
        if (data.LongLength != count * dtype.ItemSize)
            throw new DataJointException($".npy data has {data.LongLength} bytes, expected {count * dtype.ItemSize} for {dtype.Name} shape ({string.Join(", ", Shape)}).");
        Data = data;
    }

    public NpyDtype Dtype { get; }
    public IReadOnlyList<long> Shape { get; }
    /// <summary>True if <see cref="Data"/> is in column-major (Fortran) order.</summary>
    public bool FortranOrder { get; }
    /// <summary>Number of elements.</summary>
    public long Length { get; }
    /// <summary>Raw little-endian element bytes.</summary>
    public byte[] Data { get; }

    /// <summary>A 1-D array (numpy shape <c>(n,)</c>) of <paramref name="values"/>.</summary>
    public static NpyArray Create<T>(ReadOnlySpan<T> values) where T : unmanaged => Create(values, [values.Length]);

    /// <summary>
    /// An array of <paramref name="shape"/> from flat <paramref name="values"/> in C (row-major) order. An empty shape is a
    /// 0-d array (numpy's <c>np.float64(x)</c> saved with <c>np.save</c>) and needs exactly one value.
    /// </summary>
    public static NpyArray Create<T>(ReadOnlySpan<T> values, params long[] shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(shape);
        var dtype = NpyDtype.For<T>();
        CheckExplicitShape(values.Length, shape);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException(".npy writing assumes a little-endian machine.");
        return new NpyArray(dtype, shape, MemoryMarshal.AsBytes(values).ToArray());
    }

    /// <summary>A 0-d array holding <paramref name="value"/> (numpy's <c>np.array(x)</c>, shape <c>()</c>).</summary>
    public static NpyArray Scalar<T>(T value) where T : unmanaged => Create([value], []);

    /// <summary>
    /// A complex array of <paramref name="dtype"/> <see cref="NpyDtype.Complex64"/> (each part narrowed to float32, as
    /// numpy's <c>astype(np.complex64)</c> rounds) or <see cref="NpyDtype.Complex128"/>, from flat C-order
    /// <paramref name="values"/>; an empty shape is 0-d.
    /// </summary>
    public static NpyArray CreateComplex(ReadOnlySpan<Complex> values, NpyDtype dtype, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(dtype);
        ArgumentNullException.ThrowIfNull(shape);
        if (dtype == NpyDtype.Complex128) return Create(values, shape);
        if (dtype != NpyDtype.Complex64)
            throw new DataJointException($"CreateComplex makes complex64 or complex128 arrays, not {dtype.Name}.");
        CheckExplicitShape(values.Length, shape);
        var bytes = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(8 * i), (float)values[i].Real);
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(8 * i + 4), (float)values[i].Imaginary);
        }
        return new NpyArray(NpyDtype.Complex64, shape, bytes);
    }

    private static void CheckExplicitShape(int count, long[] shape)
    {
        if (shape.Length == 0 && count != 1)
            throw new DataJointException(
                $"An empty .npy shape is a 0-d array of one value, but {count} values were given. Leave the shape out for a 1-D array.");
    }

    /// <summary>A .NET array (<c>double[]</c>, <c>int[,]</c>, <c>float[,,]</c>...) as an .npy array of the same shape (C order).</summary>
    public static NpyArray FromArray(Array array)
    {
        ArgumentNullException.ThrowIfNull(array);
        var type = array.GetType().GetElementType()!;
        var dtype = NpyDtype.For(type);
        var shape = new long[array.Rank];
        for (var i = 0; i < shape.Length; i++) shape[i] = array.GetLongLength(i);
        var bytes = new byte[array.LongLength * dtype.ItemSize];
        if (type == typeof(bool))
        {
            var i = 0;
            foreach (bool b in array) bytes[i++] = b ? (byte)1 : (byte)0;
        }
        else
        {
            // Multi-dimensional .NET arrays are row-major: their memory is the C-order element sequence.
            var span = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), bytes.Length);
            span.CopyTo(bytes);
        }
        return new NpyArray(dtype, shape, bytes);
    }

    /// <summary>
    /// A .NET array as an .npy array of <paramref name="dtype"/>: the array's own dtype, or <see cref="NpyDtype.Complex64"/>
    /// for a <see cref="Complex"/> array (each part narrowed to float32).
    /// </summary>
    public static NpyArray FromArray(Array array, NpyDtype dtype)
    {
        ArgumentNullException.ThrowIfNull(array);
        ArgumentNullException.ThrowIfNull(dtype);
        var type = array.GetType().GetElementType()!;
        if (dtype == NpyDtype.Complex64 && type == typeof(Complex))
        {
            var shape = new long[array.Rank];
            for (var i = 0; i < shape.Length; i++) shape[i] = array.GetLongLength(i);
            var values = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, Complex>(ref MemoryMarshal.GetArrayDataReference(array)), array.Length);
            return CreateComplex(values, dtype, shape);
        }
        var natural = FromArray(array);
        if (natural.Dtype != dtype)
            throw new DataJointException($"A .NET {type.Name} array is written as {natural.Dtype.Name}, not {dtype.Name} (only Complex arrays can be written as complex64).");
        return natural;
    }

    /// <summary>
    /// The elements flat in C (row-major) order. <typeparamref name="T"/> is the dtype's .NET type; a complex64 array
    /// reads as <see cref="Complex"/> (widened, exact) or as <see cref="float"/> real/imaginary pairs.
    /// </summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        if (Dtype == NpyDtype.Complex64 && typeof(T) == typeof(Complex))
            return (T[])(object)WidenComplex64(CBytes());
        var expected = Dtype == NpyDtype.Complex64 ? typeof(float) : Dtype.ClrType;
        if (typeof(T) != expected)
            throw new DataJointException($"The .npy array holds {Dtype.Name} ({expected.Name}); it cannot be read as {typeof(T).Name}.");
        var bytes = CBytes();
        var result = new T[bytes.Length / Unsafe.SizeOf<T>()];
        bytes.AsSpan().CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }

    /// <summary>
    /// The single value of a 0-d array (or of any one-element array), as <typeparamref name="T"/> (the dtype's .NET type;
    /// <see cref="Complex"/> for complex64 too).
    /// </summary>
    public T ToScalar<T>() where T : unmanaged
    {
        if (Length != 1)
            throw new DataJointException($"The .npy array has shape ({string.Join(", ", Shape)}), {Length} values; ToScalar needs a 0-d (or one-element) array.");
        return ToArray<T>()[0];
    }

    /// <summary>
    /// The elements as a .NET array of the same rank (<c>double[,]</c> for a 2-d float64 array, <c>Complex[]</c> for
    /// complex64 and complex128); 0-d gives a 1-element 1-d array (see <see cref="ToScalar{T}"/>).
    /// </summary>
    public Array ToMultiDimensionalArray()
    {
        var lengths = Shape.Count == 0 ? [1] : Shape.Select(d => checked((int)d)).ToArray();
        var array = Dtype == NpyDtype.Complex64 ? MultiDimensionalArrays.New<Complex>(lengths) : Dtype.NewArray(lengths);
        var bytes = Dtype == NpyDtype.Complex64 ? MemoryMarshal.AsBytes(WidenComplex64(CBytes()).AsSpan()).ToArray() : CBytes();
        var span = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), bytes.Length);
        bytes.AsSpan().CopyTo(span);
        return array;
    }

    private static Complex[] WidenComplex64(byte[] bytes)
    {
        var result = new Complex[bytes.Length / 8];
        for (var i = 0; i < result.Length; i++)
            result[i] = new Complex(BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 * i)), BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 * i + 4)));
        return result;
    }

    /// <summary>The element bytes in C order (transposed from Fortran order if needed).</summary>
    private byte[] CBytes()
    {
        if (!FortranOrder || Shape.Count < 2) return Data;
        var n = Shape.Count;
        var size = Dtype.ItemSize;
        var result = new byte[Data.Length];
        var fStrides = new long[n];
        fStrides[0] = 1;
        for (var i = 1; i < n; i++) fStrides[i] = fStrides[i - 1] * Shape[i - 1];
        var index = new long[n];
        for (long c = 0; c < Length; c++)
        {
            long f = 0;
            for (var i = 0; i < n; i++) f += index[i] * fStrides[i];
            Buffer.BlockCopy(Data, (int)(f * size), result, (int)(c * size), size);
            for (var i = n - 1; i >= 0; i--)
            {
                if (++index[i] < Shape[i]) break;
                index[i] = 0;
            }
        }
        return result;
    }
}

/// <summary>Reads and writes NumPy <c>.npy</c> files (format 1.0, or 2.0 for huge headers), byte-identical to what NumPy writes.</summary>
internal static partial class NpyFormat
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int ArrayAlign = 64;
    private const int GrowthAxisMaxDigits = 21;

    /// <summary>
    /// The preamble NumPy writes: magic, version, header length, then
    /// <c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (2, 3), }</c> + growth space, padded with spaces
    /// and <c>\n</c> so the data starts at a multiple of 64.
    /// </summary>
    public static byte[] BuildHeader(NpyDtype dtype, bool fortranOrder, IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(dtype);
        ArgumentNullException.ThrowIfNull(shape);
        var sb = new StringBuilder("{");
        sb.Append("'descr': '").Append(dtype.Descr).Append("', ");
        sb.Append("'fortran_order': ").Append(fortranOrder ? "True" : "False").Append(", ");
        sb.Append("'shape': ").Append(ShapeRepr(shape)).Append(", ");
        sb.Append('}');
        if (shape.Count > 0)
        {
            var axis = shape[fortranOrder ? shape.Count - 1 : 0].ToString(CultureInfo.InvariantCulture);
            sb.Append(' ', Math.Max(0, GrowthAxisMaxDigits - axis.Length));
        }
        var header = sb.ToString();
        var hlen = header.Length + 1;
        var v1 = ArrayAlign - ((Magic.Length + 2 + 2 + hlen) % ArrayAlign);
        var (major, prefix, pad) = hlen + v1 <= ushort.MaxValue
            ? (1, 2, v1)
            : (2, 4, ArrayAlign - ((Magic.Length + 2 + 4 + hlen) % ArrayAlign));
        var total = Magic.Length + 2 + prefix + header.Length + pad + 1;
        var bytes = new byte[total];
        Magic.CopyTo(bytes, 0);
        bytes[6] = (byte)major;
        bytes[7] = 0;
        var len = header.Length + pad + 1;
        if (prefix == 2) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)len);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)len);
        var o = 8 + prefix;
        o += Encoding.ASCII.GetBytes(header, bytes.AsSpan(o));
        bytes.AsSpan(o, pad).Fill((byte)' ');
        bytes[total - 1] = (byte)'\n';
        return bytes;
    }

    private static string ShapeRepr(IReadOnlyList<long> shape) => shape.Count switch
    {
        0 => "()",
        1 => "(" + shape[0].ToString(CultureInfo.InvariantCulture) + ",)",
        _ => "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
    };

    /// <summary>The whole .npy file of <paramref name="array"/>.</summary>
    public static byte[] ToBytes(NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        var header = BuildHeader(array.Dtype, array.FortranOrder, array.Shape);
        var bytes = new byte[header.Length + array.Data.Length];
        header.CopyTo(bytes, 0);
        array.Data.CopyTo(bytes, header.Length);
        return bytes;
    }

    /// <summary>Writes <paramref name="array"/> as a .npy file to <paramref name="destination"/>.</summary>
    public static async Task WriteAsync(Stream destination, NpyArray array, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(array);
        await destination.WriteAsync(BuildHeader(array.Dtype, array.FortranOrder, array.Shape), cancellationToken).ConfigureAwait(false);
        await destination.WriteAsync(array.Data, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The parsed header of a .npy file.</summary>
    public sealed record Header(NpyDtype Dtype, bool BigEndian, bool FortranOrder, IReadOnlyList<long> Shape, int DataOffset);

    /// <summary>Reads the header from the start of <paramref name="stream"/> (which is left at the first data byte).</summary>
    public static async Task<Header> ReadHeaderAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var pre = new byte[12];
        await stream.ReadExactlyAsync(pre.AsMemory(0, 10), cancellationToken).ConfigureAwait(false);
        if (!pre.AsSpan(0, 6).SequenceEqual(Magic))
            throw new DataJointException("Not a .npy file: the magic string \\x93NUMPY is missing.");
        int headerLen, prefix;
        switch (pre[6])
        {
            case 1:
                headerLen = BinaryPrimitives.ReadUInt16LittleEndian(pre.AsSpan(8));
                prefix = 10;
                break;
            case 2 or 3:
                await stream.ReadExactlyAsync(pre.AsMemory(10, 2), cancellationToken).ConfigureAwait(false);
                headerLen = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(pre.AsSpan(8)));
                prefix = 12;
                break;
            default:
                throw new DataJointException($"Unsupported .npy format version {pre[6]}.{pre[7]}.");
        }
        var header = new byte[headerLen];
        await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        var text = (pre[6] == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(header);
        return ParseHeaderText(text, prefix + headerLen);
    }

    internal static Header ParseHeaderText(string text, int dataOffset)
    {
        var descr = DescrRegex().Match(text);
        var fortran = FortranRegex().Match(text);
        var shape = ShapeRegex().Match(text);
        if (!descr.Success || !fortran.Success || !shape.Success)
            throw new DataJointException($"Cannot parse the .npy header (need 'descr', 'fortran_order' and 'shape'): {text.Trim()}");
        var dtype = NpyDtype.FromDescr(descr.Groups[1].Value, out var bigEndian);
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.TryParse(d.TrimEnd('L'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
                ? v : throw new DataJointException($"Invalid .npy shape entry '{d}' in header: {text.Trim()}"))
            .ToArray();
        return new Header(dtype, bigEndian, fortran.Groups[1].Value == "True", dims, dataOffset);
    }

    /// <summary>Reads a whole .npy file (any byte order; big-endian data is swapped to little-endian).</summary>
    public static async Task<NpyArray> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var header = await ReadHeaderAsync(stream, cancellationToken).ConfigureAwait(false);
        long count = 1;
        foreach (var d in header.Shape) count *= d;
        var data = new byte[checked(count * header.Dtype.ItemSize)];
        try
        {
            await stream.ReadExactlyAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException ex)
        {
            throw new DataJointException($"The .npy data is truncated: expected {data.Length} bytes of {header.Dtype.Name} for shape ({string.Join(", ", header.Shape)}).", ex);
        }
        if (header.BigEndian) SwapBytes(data, header.Dtype == NpyDtype.Complex64 ? 4 : header.Dtype == NpyDtype.Complex128 ? 8 : header.Dtype.ItemSize);
        return new NpyArray(header.Dtype, header.Shape, data, header.FortranOrder);
    }

    /// <summary>Reads a .npy file from bytes.</summary>
    public static NpyArray Read(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var ms = new MemoryStream(bytes, writable: false);
        return ReadAsync(ms).GetAwaiter().GetResult();
    }

    private static void SwapBytes(byte[] data, int width)
    {
        for (var i = 0; i + width <= data.Length; i += width) data.AsSpan(i, width).Reverse();
    }

    [GeneratedRegex(@"['""]descr['""]\s*:\s*['""]([^'""]*)['""]")]
    private static partial Regex DescrRegex();

    [GeneratedRegex(@"['""]fortran_order['""]\s*:\s*(True|False)")]
    private static partial Regex FortranRegex();

    [GeneratedRegex(@"['""]shape['""]\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeRegex();
}
