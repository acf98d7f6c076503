using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DataJoint;

/// <summary>
/// Class id of an <c>A</c> array in the blob format (MATLAB <c>mxClassID</c>, plus the
/// datajoint-python extensions: 5 = object array, 65536 + k = <c>datetime64</c> with unit k).
/// </summary>
public enum BlobClass : uint
{
    /// <summary>MATLAB logical / numpy bool, one byte per element.</summary>
    Logical = 3,
    /// <summary>MATLAB char: one UTF-16 code unit per element.</summary>
    Char = 4,
    /// <summary>numpy object (or unicode) array: each element is a full blob element (dj0 only).</summary>
    Object = 5,
    /// <summary>float64.</summary>
    Double = 6,
    /// <summary>float32.</summary>
    Single = 7,
    /// <summary>int8.</summary>
    Int8 = 8,
    /// <summary>uint8.</summary>
    UInt8 = 9,
    /// <summary>int16.</summary>
    Int16 = 10,
    /// <summary>uint16.</summary>
    UInt16 = 11,
    /// <summary>int32.</summary>
    Int32 = 12,
    /// <summary>uint32.</summary>
    UInt32 = 13,
    /// <summary>int64.</summary>
    Int64 = 14,
    /// <summary>uint64.</summary>
    UInt64 = 15,
    /// <summary>numpy datetime64[Y] (int64 count of years since 1970).</summary>
    DateTime64Years = 65536,
    /// <summary>datetime64[M].</summary>
    DateTime64Months = 65537,
    /// <summary>datetime64[W].</summary>
    DateTime64Weeks = 65538,
    /// <summary>datetime64[D].</summary>
    DateTime64Days = 65539,
    /// <summary>datetime64[h].</summary>
    DateTime64Hours = 65540,
    /// <summary>datetime64[m].</summary>
    DateTime64Minutes = 65541,
    /// <summary>datetime64[s].</summary>
    DateTime64Seconds = 65542,
    /// <summary>datetime64[ms].</summary>
    DateTime64Milliseconds = 65543,
    /// <summary>datetime64[us].</summary>
    DateTime64Microseconds = 65544,
    /// <summary>datetime64[ns].</summary>
    DateTime64Nanoseconds = 65545,
    /// <summary>datetime64[ps].</summary>
    DateTime64Picoseconds = 65546,
    /// <summary>datetime64[fs].</summary>
    DateTime64Femtoseconds = 65547,
    /// <summary>datetime64[as].</summary>
    DateTime64Attoseconds = 65548,
}

/// <summary>
/// An N-dimensional array as stored in a blob: a shape and a flat buffer in column-major
/// (MATLAB/Fortran) order, i.e. the first index varies fastest. See <see cref="BlobArray{T}"/>.
/// </summary>
public abstract class BlobArray
{
    private readonly int[] _shape;

    private protected BlobArray(int[] shape, BlobClass blobClass)
    {
        _shape = shape;
        Class = blobClass;
    }

    /// <summary>The dimensions, first (rows) first. Empty for a 0-d (scalar) array.</summary>
    public IReadOnlyList<int> Shape => _shape;

    internal int[] ShapeArray => _shape;

    /// <summary>Number of dimensions (0 for a numpy scalar, 1 for a numpy 1-D array, ≥ 2 for MATLAB values).</summary>
    public int Rank => _shape.Length;

    /// <summary>The element count (the product of <see cref="Shape"/>).</summary>
    public abstract int Length { get; }

    /// <summary>The class id written on the wire.</summary>
    public BlobClass Class { get; }

    /// <summary>True when the array holds complex values (<c>Imaginary</c> is not null).</summary>
    public abstract bool IsComplex { get; }

    /// <summary>The .NET element type (<c>double</c>, <c>int</c>, <c>bool</c>, <c>char</c>, <c>object</c>...).</summary>
    public abstract Type ElementType { get; }

    /// <summary>True for numpy <c>datetime64</c> arrays (element type <c>long</c>).</summary>
    public bool IsDateTime64 => (uint)Class >= (uint)BlobClass.DateTime64Years && (uint)Class <= (uint)BlobClass.DateTime64Attoseconds;

    /// <summary>The real part buffer as an untyped array (column-major).</summary>
    public abstract Array GetData();

    internal abstract void WriteTo(BlobWriter writer);

    /// <summary>A .NET array of the given rank (2 and 3 pad with trailing 1s).</summary>
    internal abstract Array ToDotNetArray(int rank);

    /// <summary>Column-major flat index of a multi-index.</summary>
    public int IndexOf(params int[] index) => ArrayLayout.ColumnMajorIndex(_shape, index);

    /// <summary>Creates a 1-D <c>datetime64</c> array from int64 counts of <paramref name="unit"/> since 1970-01-01 (NaT = <see cref="long.MinValue"/>).</summary>
    public static BlobArray<long> DateTime64(long[] counts, BlobClass unit)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return DateTime64(counts, unit, [counts.Length]);
    }

    /// <summary>
    /// Creates a <c>datetime64</c> array of <paramref name="shape"/> from column-major int64 counts of <paramref name="unit"/>
    /// since 1970-01-01 (NaT = <see cref="long.MinValue"/>). An empty shape is a 0-d array (one count).
    /// </summary>
    public static BlobArray<long> DateTime64(long[] counts, BlobClass unit, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if ((uint)unit < (uint)BlobClass.DateTime64Years || (uint)unit > (uint)BlobClass.DateTime64Attoseconds)
            throw new ArgumentException($"{unit} is not a datetime64 unit.", nameof(unit));
        return new BlobArray<long>(counts, null, BlobArray<long>.ExplicitShape(counts.Length, shape), unit, validated: false);
    }

    internal static int Product(int[] shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException("Dimensions must not be negative.", nameof(shape));
            n *= d;
            if (n > Array.MaxLength) throw new ArgumentException("The shape has more elements than a .NET array can hold.", nameof(shape));
        }
        return (int)n;
    }

    internal static BlobClass? ClassOf(Type t)
    {
        if (t == typeof(double)) return BlobClass.Double;
        if (t == typeof(float)) return BlobClass.Single;
        if (t == typeof(sbyte)) return BlobClass.Int8;
        if (t == typeof(byte)) return BlobClass.UInt8;
        if (t == typeof(short)) return BlobClass.Int16;
        if (t == typeof(ushort)) return BlobClass.UInt16;
        if (t == typeof(int)) return BlobClass.Int32;
        if (t == typeof(uint)) return BlobClass.UInt32;
        if (t == typeof(long)) return BlobClass.Int64;
        if (t == typeof(ulong)) return BlobClass.UInt64;
        if (t == typeof(bool)) return BlobClass.Logical;
        if (t == typeof(char)) return BlobClass.Char;
        if (!t.IsValueType) return BlobClass.Object;
        return null;
    }

    internal static int ElementSize(BlobClass c) => c switch
    {
        BlobClass.Logical or BlobClass.Int8 or BlobClass.UInt8 => 1,
        BlobClass.Char or BlobClass.Int16 or BlobClass.UInt16 => 2,
        BlobClass.Single or BlobClass.Int32 or BlobClass.UInt32 => 4,
        BlobClass.Object => 0,
        _ => 8,
    };
}

/// <summary>
/// A typed N-d array: <see cref="Data"/> holds the real parts in column-major order (exactly the byte
/// order of the blob), <see cref="Imaginary"/> the imaginary parts of complex arrays. Decoding copies the
/// bytes once into <see cref="Data"/>; reading <see cref="Data"/> is free, and <see cref="ToArray2D"/> /
/// <see cref="ToArray3D"/> re-order into .NET's row-major multi-dimensional arrays.
/// </summary>
/// <typeparam name="T">
/// <c>double</c>, <c>float</c>, <c>sbyte</c>, <c>byte</c>, <c>short</c>, <c>ushort</c>, <c>int</c>,
/// <c>uint</c>, <c>long</c>, <c>ulong</c>, <c>bool</c> (logical), <c>char</c> (MATLAB char), or any
/// reference type (an object array whose elements are packed as blob values).
/// </typeparam>
public sealed class BlobArray<T> : BlobArray, IEquatable<BlobArray<T>>
{
    private static readonly BlobClass? DefaultClass = ClassOf(typeof(T));

    /// <summary>Creates a real 1-D array (numpy shape <c>(n,)</c>) of <paramref name="data"/>.</summary>
    public BlobArray(T[] data)
        : this(data ?? throw new ArgumentNullException(nameof(data)), null, [data.Length], RequireClass(), validated: false)
    {
    }

    /// <summary>
    /// Creates a real array of <paramref name="shape"/> from column-major (MATLAB/Fortran order) <paramref name="data"/>.
    /// An empty shape is a 0-d array (a numpy scalar) and needs exactly one element. For numpy's row-major (C order)
    /// data use <see cref="FromRowMajor(T[], int[])"/>.
    /// </summary>
    public BlobArray(T[] data, params int[] shape)
        : this(data ?? throw new ArgumentNullException(nameof(data)), null, ExplicitShape(data.Length, shape), RequireClass(), validated: false)
    {
    }

    /// <summary>
    /// Creates an array from column-major real and (optional) imaginary parts. A null <paramref name="shape"/> is 1-D;
    /// an empty shape is 0-d (one element: <c>new BlobArray&lt;double&gt;([1.0], [2.0], [])</c> is numpy's
    /// <c>np.complex128(1+2j)</c>).
    /// </summary>
    public BlobArray(T[] real, T[]? imaginary, int[]? shape)
        : this(real ?? throw new ArgumentNullException(nameof(real)), imaginary,
            shape is null ? [real.Length] : ExplicitShape(real.Length, shape), RequireClass(), validated: false)
    {
    }

    internal BlobArray(T[] real, T[]? imaginary, int[] shape, BlobClass blobClass, bool validated = true)
        : base(shape, blobClass)
    {
        Data = real;
        Imaginary = imaginary;
        if (!validated)
        {
            CheckShape(real.Length, shape);
            if (imaginary is not null)
            {
                if (imaginary.Length != real.Length)
                    throw new ArgumentException("The imaginary part must have as many elements as the real part.", nameof(imaginary));
                if (blobClass is BlobClass.Logical or BlobClass.Char or BlobClass.Object)
                    throw new ArgumentException($"A {blobClass} array cannot be complex.", nameof(imaginary));
            }
        }
    }

    /// <summary>The real parts in column-major order (the array's own buffer, not a copy).</summary>
    public T[] Data { get; }

    /// <summary>The imaginary parts (column-major) of a complex array, otherwise null.</summary>
    public T[]? Imaginary { get; }

    /// <inheritdoc />
    public override int Length => Data.Length;

    /// <inheritdoc />
    public override bool IsComplex => Imaginary is not null;

    /// <inheritdoc />
    public override Type ElementType => typeof(T);

    /// <inheritdoc />
    public override Array GetData() => Data;

    internal override void WriteTo(BlobWriter writer) => writer.WriteArray(this);

    internal override Array ToDotNetArray(int rank) => rank switch
    {
        1 => Data,
        2 => ToArray2D(),
        3 => ToArray3D(),
        _ when rank == Rank => ToMultiDimensionalArray(),
        _ => throw new DataJointException($"A blob array of shape [{string.Join(", ", ShapeArray)}] does not fit a rank-{rank} .NET array."),
    };

    /// <summary>The element at a multi-index (0-based, one index per dimension).</summary>
    public T this[params int[] index] => Data[IndexOf(index)];

    /// <summary>A 0-d array (numpy scalar, written under dj0).</summary>
    public static BlobArray<T> Scalar(T value) => new([value], null, [], RequireClass());

    /// <summary>A complex 0-d array (numpy <c>np.complex128(re + im·j)</c> for <c>double</c>, <c>np.complex64</c> for <c>float</c>).</summary>
    public static BlobArray<T> Scalar(T real, T imaginary) => new([real], [imaginary], [], RequireClass(), validated: false);

    /// <summary>
    /// Creates a real array of <paramref name="shape"/> from row-major (C order, numpy's default) <paramref name="data"/>,
    /// re-ordered into the blob's column-major layout: numpy's <c>a.ravel()</c> and <c>a.shape</c> give the same array.
    /// An empty shape is a 0-d array.
    /// </summary>
    public static BlobArray<T> FromRowMajor(T[] data, params int[] shape) => FromRowMajor(data, null, shape);

    /// <summary>As <see cref="FromRowMajor(T[], int[])"/>, with the imaginary parts of a complex array (also row-major).</summary>
    public static BlobArray<T> FromRowMajor(T[] real, T[]? imaginary, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(shape);
        var s = ExplicitShape(real.Length, shape);
        if (imaginary is not null && imaginary.Length != real.Length)
            throw new ArgumentException("The imaginary part must have as many elements as the real part.", nameof(imaginary));
        return new BlobArray<T>(ArrayLayout.ToColumnMajor(real, s), imaginary is null ? null : ArrayLayout.ToColumnMajor(imaginary, s), s,
            RequireClass(), validated: false);
    }

    /// <summary>
    /// The real parts (or, with <paramref name="imaginary"/>, the imaginary parts) in row-major (C) order: what numpy's
    /// <c>a.ravel()</c> gives for an array of <see cref="BlobArray.Shape"/>.
    /// </summary>
    public T[] ToRowMajor(bool imaginary = false)
    {
        var source = imaginary ? Imaginary ?? throw new InvalidOperationException("The array is real: it has no imaginary parts.") : Data;
        var result = new T[source.Length];
        ArrayLayout.Reorder<T>(source, result, ShapeArray, toColumnMajor: false);
        return result;
    }

    /// <summary>A 1-D array (numpy shape (n,); stays mYm; MATLAB reads it as n×1).</summary>
    public static BlobArray<T> Vector(params T[] values) => new(values, null, [values.Length]);

    /// <summary>A MATLAB row vector 1×n.</summary>
    public static BlobArray<T> Row(params T[] values) => new(values, null, [1, values.Length]);

    /// <summary>A MATLAB column vector n×1.</summary>
    public static BlobArray<T> Column(params T[] values) => new(values, null, [values.Length, 1]);

    /// <summary>Copies a .NET (row-major) matrix into a column-major r×c array.</summary>
    public static BlobArray<T> FromArray(T[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new BlobArray<T>(ToColumnMajor(values), null, [values.GetLength(0), values.GetLength(1)]);
    }

    /// <summary>Copies a .NET (row-major) 3-d array into a column-major array.</summary>
    public static BlobArray<T> FromArray(T[,,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new BlobArray<T>(ToColumnMajor(values), null, [values.GetLength(0), values.GetLength(1), values.GetLength(2)]);
    }

    /// <summary>Copies a .NET array of any rank (row-major) into a column-major array of the same shape.</summary>
    public static BlobArray<T> FromArray(Array values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.GetType().GetElementType() != typeof(T))
            throw new ArgumentException($"Expected an array of {typeof(T).Name}.", nameof(values));
        var shape = new int[values.Rank];
        for (int d = 0; d < shape.Length; d++) shape[d] = values.GetLength(d);
        return new BlobArray<T>(ToColumnMajor(values), null, shape);
    }

    /// <summary>A copy of the column-major data.</summary>
    public T[] ToArray() => (T[])Data.Clone();

    /// <summary>
    /// The values as a .NET matrix <c>[row, column]</c>. Rank 0 gives 1×1, rank 1 (n) gives n×1 (as MATLAB
    /// reads it); higher ranks are refused unless their trailing dimensions are 1.
    /// </summary>
    public T[,] ToArray2D()
    {
        int[] s = PadShape(2);
        var result = new T[s[0], s[1]];
        FillRowMajor(result, s);
        return result;
    }

    /// <summary>The values as a .NET 3-d array <c>[i, j, k]</c> (lower ranks get trailing 1s).</summary>
    public T[,,] ToArray3D()
    {
        int[] s = PadShape(3);
        var result = new T[s[0], s[1], s[2]];
        FillRowMajor(result, s);
        return result;
    }

    /// <summary>A .NET array of the same rank (rank 0 and 1 give <c>T[]</c>).</summary>
    public Array ToMultiDimensionalArray()
    {
        if (Rank <= 1) return ToArray();
        var result = MultiDimensionalArrays.New<T>(ShapeArray);
        FillRowMajor(result, ShapeArray);
        return result;
    }

    /// <summary>For a char array: the characters in column-major order as one string (a 1×N MATLAB char row is its text).</summary>
    public override string ToString()
    {
        if (Data is char[] chars) return new string(chars);
        return $"BlobArray<{typeof(T).Name}>[{string.Join("x", ShapeArray)}]{(IsComplex ? " complex" : "")}";
    }

    /// <summary>Same class, shape and element values (bitwise for floating point, so NaN equals NaN).</summary>
    public bool Equals(BlobArray<T>? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        return Class == other.Class && ShapeArray.AsSpan().SequenceEqual(other.ShapeArray)
            && SameElements(Data, other.Data) && (Imaginary is null ? other.Imaginary is null : other.Imaginary is not null && SameElements(Imaginary, other.Imaginary));
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BlobArray<T> a && Equals(a);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Class, Rank, Length);

    private static bool SameElements(T[] a, T[] b)
    {
        if (a.Length != b.Length) return false;
        if (!RuntimeHelpers.IsReferenceOrContainsReferences<T>())
            return AsBytes(a).SequenceEqual(AsBytes(b));
        for (int i = 0; i < a.Length; i++)
            if (!BlobValue.DeepEquals(a[i], b[i])) return false;
        return true;
    }

    private static ReadOnlySpan<byte> AsBytes(T[] values) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, byte>(ref MemoryMarshal.GetArrayDataReference(values)), values.Length * Unsafe.SizeOf<T>());

    internal static void CheckShape(int length, int[] shape)
    {
        if (Product(shape) != length)
            throw new ArgumentException($"The shape [{string.Join(", ", shape)}] holds {Product(shape)} elements but the data has {length}.", nameof(shape));
    }

    /// <summary>
    /// A shape the caller gave: copied, and checked against the element count. An empty shape is 0-d (never silently
    /// 1-D), so it needs exactly one element.
    /// </summary>
    internal static int[] ExplicitShape(int length, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0 && length != 1)
            throw new ArgumentException(
                $"An empty shape is a 0-d array (a numpy scalar) of one element, but the data has {length}. Leave the shape out for a 1-D array.",
                nameof(shape));
        var copy = (int[])shape.Clone();
        CheckShape(length, copy);
        return copy;
    }

    private static BlobClass RequireClass() =>
        DefaultClass ?? throw new DataJointException($"BlobArray<{typeof(T).Name}>: {typeof(T).Name} is not a blob element type (use double, float, sbyte, byte, short, ushort, int, uint, long, ulong, bool, char or a reference type).");

    private int[] PadShape(int rank)
    {
        var s = new int[rank];
        for (int d = 0; d < rank; d++) s[d] = d < Rank ? ShapeArray[d] : 1;
        for (int d = rank; d < Rank; d++)
            if (ShapeArray[d] != 1)
                throw new DataJointException($"A blob array of shape [{string.Join(", ", ShapeArray)}] does not fit a rank-{rank} .NET array.");
        return s;
    }

    // Fill a row-major .NET array from column-major Data. Hand-written index walk: the BCL has no transpose.
    private void FillRowMajor(Array target, int[] shape)
    {
        if (Data.Length == 0) return;
        ref byte raw = ref MemoryMarshal.GetArrayDataReference(target);
        var dest = MemoryMarshal.CreateSpan(ref Unsafe.As<byte, T>(ref raw), Data.Length);
        ArrayLayout.Reorder<T>(Data, dest, shape, toColumnMajor: false);
    }

    private static T[] ToColumnMajor(Array values)
    {
        int n = values.Length;
        var result = RuntimeHelpers.IsReferenceOrContainsReferences<T>() ? new T[n] : GC.AllocateUninitializedArray<T>(n);
        if (n == 0) return result;
        var shape = new int[values.Rank];
        for (int d = 0; d < shape.Length; d++) shape[d] = values.GetLength(d);
        ref byte raw = ref MemoryMarshal.GetArrayDataReference(values);
        var src = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, T>(ref raw), n);
        ArrayLayout.Reorder(src, result, shape, toColumnMajor: true);
        return result;
    }
}

/// <summary>Conversions for special array kinds.</summary>
public static class BlobArrayExtensions
{
    /// <summary>The values of a complex (or real) double array as <see cref="Complex"/> numbers, column-major.</summary>
    public static Complex[] ToComplexArray(this BlobArray<double> array)
    {
        ArgumentNullException.ThrowIfNull(array);
        var result = new Complex[array.Length];
        for (int i = 0; i < result.Length; i++)
            result[i] = new Complex(array.Data[i], array.Imaginary is null ? 0 : array.Imaginary[i]);
        return result;
    }

    /// <summary>The values of a complex (or real) single array widened to <see cref="Complex"/>, column-major.</summary>
    public static Complex[] ToComplexArray(this BlobArray<float> array)
    {
        ArgumentNullException.ThrowIfNull(array);
        var result = new Complex[array.Length];
        for (int i = 0; i < result.Length; i++)
            result[i] = new Complex(array.Data[i], array.Imaginary is null ? 0 : array.Imaginary[i]);
        return result;
    }

    /// <summary>
    /// The values of a <c>datetime64</c> array as <see cref="DateTime"/> (Kind Unspecified), column-major;
    /// NaT gives null. Units finer than 100 ns are truncated; values outside DateTime's range raise.
    /// </summary>
    public static DateTime?[] ToDateTimes(this BlobArray<long> array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (!array.IsDateTime64) throw new DataJointException($"The array is {array.Class}, not a datetime64 array.");
        var result = new DateTime?[array.Length];
        for (int i = 0; i < result.Length; i++)
            result[i] = DateTime64ToDateTime(array.Data[i], array.Class);
        return result;
    }

    /// <summary>Converts one datetime64 count to a <see cref="DateTime"/> (null for NaT).</summary>
    public static DateTime? DateTime64ToDateTime(long count, BlobClass unit)
    {
        if (count == long.MinValue) return null;
        try
        {
            DateTime epoch = DateTime.UnixEpoch;
            var unspecified = DateTime.SpecifyKind(unit switch
            {
                BlobClass.DateTime64Years => epoch.AddYears(checked((int)count)),
                BlobClass.DateTime64Months => epoch.AddMonths(checked((int)count)),
                BlobClass.DateTime64Weeks => epoch.AddTicks(checked(count * 7 * TimeSpan.TicksPerDay)),
                BlobClass.DateTime64Days => epoch.AddTicks(checked(count * TimeSpan.TicksPerDay)),
                BlobClass.DateTime64Hours => epoch.AddTicks(checked(count * TimeSpan.TicksPerHour)),
                BlobClass.DateTime64Minutes => epoch.AddTicks(checked(count * TimeSpan.TicksPerMinute)),
                BlobClass.DateTime64Seconds => epoch.AddTicks(checked(count * TimeSpan.TicksPerSecond)),
                BlobClass.DateTime64Milliseconds => epoch.AddTicks(checked(count * TimeSpan.TicksPerMillisecond)),
                BlobClass.DateTime64Microseconds => epoch.AddTicks(checked(count * 10)),
                BlobClass.DateTime64Nanoseconds => epoch.AddTicks(count / 100 - (count % 100 < 0 ? 1 : 0)),
                BlobClass.DateTime64Picoseconds => epoch.AddTicks(FloorDiv(count, 100_000)),
                BlobClass.DateTime64Femtoseconds => epoch.AddTicks(FloorDiv(count, 100_000_000)),
                BlobClass.DateTime64Attoseconds => epoch.AddTicks(FloorDiv(count, 100_000_000_000)),
                _ => throw new DataJointException($"{unit} is not a datetime64 unit."),
            }, DateTimeKind.Unspecified);
            return unspecified;
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException)
        {
            throw new DataJointException($"datetime64 value {count} ({unit}) is outside the range of System.DateTime.", e);
        }
    }

    private static long FloorDiv(long a, long b) => a / b - (a % b < 0 ? 1 : 0);
}
