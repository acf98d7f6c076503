using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace DataJoint;

/// <summary>Options for <see cref="Blob.Unpack(ReadOnlySpan{byte}, BlobReadOptions?)"/>.</summary>
public sealed record BlobReadOptions
{
    /// <summary>The defaults: 64-bit dimensions, nesting up to 1000 levels.</summary>
    public static BlobReadOptions Default { get; } = new();

    /// <summary>
    /// Read the legacy 32-bit mym variant (ndim, dims, child lengths and the compression size field are
    /// u32). Nothing in the bytes marks this variant; turn it on only for blobs known to come from it.
    /// </summary>
    public bool Use32BitDims { get; init; }

    /// <summary>
    /// Maximum nesting depth: how many containers may enclose a value (deeper input is rejected, never overflows the
    /// stack). The default is <see cref="BlobWriter.MaxDepth"/>, the writer's limit, so every blob this library writes
    /// reads back.
    /// </summary>
    public int MaxDepth { get; init; } = BlobWriter.MaxDepth;

    /// <summary>Upper bound for the declared uncompressed size of a compressed blob (default: the largest .NET byte array).</summary>
    public long MaxUncompressedLength { get; init; } = Array.MaxLength;
}

/// <summary>
/// The blob parser: a forward-only reader over the uncompressed blob (header + one element). Every length
/// is checked against the bytes that remain before anything is allocated. Hand-written because the format
/// is DataJoint's own; there is no library for it.
/// </summary>
internal ref struct BlobReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private readonly bool _use32;
    private readonly int _maxDepth;
    private readonly string _where;
    private int _pos;
    private int _end;
    private int _depth;

    public BlobReader(ReadOnlySpan<byte> data, BlobReadOptions options, bool inflated)
    {
        _data = data;
        _use32 = options.Use32BitDims;
        _maxDepth = options.MaxDepth;
        _where = inflated ? "inflated blob" : "blob";
        _pos = 0;
        _end = data.Length;
        _depth = 0;
    }

    public object? ReadBlob()
    {
        if (_data.Length < 4)
            throw Error(0, "a 4-byte protocol header (\"mYm\\0\" or \"dj0\\0\")", $"only {_data.Length} bytes");
        uint header = BinaryPrimitives.ReadUInt32LittleEndian(_data);
        if (header != Blob.HeaderMym && header != Blob.HeaderDj0)
            throw Error(0, "the protocol header \"mYm\\0\" or \"dj0\\0\"", $"bytes {Convert.ToHexString(_data[..4])}");
        _pos = 4;
        object? value = ReadElement();
        if (_pos != _data.Length)
            throw Error(_pos, "the end of the blob after its top-level value", $"{_data.Length - _pos} more bytes (blob length check failed)");
        return value;
    }

    private readonly DataJointException Error(int offset, string expected, string found) =>
        new($"Invalid blob: at offset {offset} of the {_where} expected {expected}, found {found}.");

    private readonly int Remaining => _end - _pos;

    private void Need(int bytes, string what)
    {
        if (bytes < 0 || bytes > Remaining)
            throw Error(_pos, what, $"only {Remaining} bytes left");
    }

    private byte ReadByte(string what)
    {
        Need(1, what);
        return _data[_pos++];
    }

    private uint ReadU32(string what)
    {
        Need(4, what);
        uint v = BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(_pos));
        _pos += 4;
        return v;
    }

    private ulong ReadU64(string what)
    {
        Need(8, what);
        ulong v = BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_pos));
        _pos += 8;
        return v;
    }

    /// <summary>A dimension/length field: u64, or u32 in the legacy variant.</summary>
    private ulong ReadSize(string what) => _use32 ? ReadU32(what) : ReadU64(what);

    private int SizeWidth => _use32 ? 4 : 8;

    /// <summary>A byte length that must fit in the remaining bytes.</summary>
    private int ReadLength(string what, bool dimsField)
    {
        int at = _pos;
        ulong n = dimsField ? ReadSize(what) : ReadU64(what);
        if (n > (ulong)Remaining)
            throw Error(at, what + " that fits in the remaining bytes", $"{n} with only {Remaining} bytes left");
        return (int)n;
    }

    /// <summary>An item count where each item takes at least <paramref name="minItemBytes"/> bytes.</summary>
    private int ReadCount(string what, int minItemBytes, bool dimsField)
    {
        int at = _pos;
        ulong n = dimsField ? ReadSize(what) : ReadU64(what);
        if (n > (ulong)(Remaining / minItemBytes))
            throw Error(at, what + " that the remaining bytes can hold", $"{n} items with only {Remaining} bytes left");
        return (int)n;
    }

    private object? ReadElement()
    {
        int at = _pos;
        byte code = ReadByte("a type code");
        // _depth counts this element too: a value inside MaxDepth containers is at depth MaxDepth + 1.
        if (++_depth > _maxDepth + 1)
            throw Error(at, $"at most {_maxDepth} nested containers", "deeper nesting");
        object? value = code switch
        {
            (byte)'A' => ReadArray(),
            (byte)'S' => ReadStruct(),
            (byte)'C' => ReadCell(),
            (byte)'F' => ReadRecordArray(),
            (byte)'P' => ReadSparse(),
            0xFF => null,
            0x01 => new BlobTuple(ReadItems()),
            0x02 => new List<object?>(ReadItems()),
            0x03 => ReadSet(),
            0x04 => ReadDict(),
            0x05 => ReadString(),
            0x06 => ReadBytes(),
            0x0A => ReadInt(),
            0x0B => ReadBool(),
            0x0C => ReadComplex(),
            0x0D => ReadDouble(),
            (byte)'d' => ReadDecimal(),
            (byte)'t' => ReadDateTime(),
            (byte)'u' => ReadGuid(),
            _ => throw Error(at, "a known data structure code", $"0x{code:X2} (unknown data structure code)"),
        };
        _depth--;
        return value;
    }

    /// <summary>A child with a byte-length prefix: it must use exactly that many bytes.</summary>
    private object? ReadPrefixed()
    {
        int len = ReadLength("a child byte length", dimsField: true);
        int start = _pos;
        int outerEnd = _end;
        _end = start + len;
        object? value = ReadElement();
        if (_pos != _end)
            throw Error(_pos, $"the end of a child element of {len} bytes that started at offset {start}", $"{_end - _pos} unread bytes");
        _end = outerEnd;
        return value;
    }

    private object?[] ReadItems()
    {
        int n = ReadCount("an item count", 9, dimsField: false);
        var items = new object?[n];
        for (int i = 0; i < n; i++) items[i] = ReadPrefixed();
        return items;
    }

    private HashSet<object?> ReadSet()
    {
        object?[] items = ReadItems();
        var set = new HashSet<object?>(items.Length);
        foreach (var item in items) set.Add(item);
        return set;
    }

    private object ReadDict()
    {
        int n = ReadCount("a dict pair count", 18, dimsField: false);
        var keys = new object?[n];
        var values = new object?[n];
        bool allStrings = true;
        for (int i = 0; i < n; i++)
        {
            keys[i] = ReadPrefixed();
            values[i] = ReadPrefixed();
            allStrings &= keys[i] is string;
        }
        if (allStrings)
        {
            var skeys = new string[n];
            for (int i = 0; i < n; i++) skeys[i] = (string)keys[i]!;
            return new BlobDictionary(skeys, values);
        }
        var pairs = new KeyValuePair<object?, object?>[n];
        for (int i = 0; i < n; i++) pairs[i] = new(keys[i], values[i]);
        return new BlobMap(pairs, trusted: true);
    }

    private string ReadString()
    {
        int len = ReadLength("a string byte length", dimsField: false);
        int at = _pos;
        _pos += len;
        try
        {
            return StrictUtf8.GetString(_data.Slice(at, len));
        }
        catch (DecoderFallbackException e)
        {
            throw new DataJointException($"Invalid blob: at offset {at} of the {_where} expected UTF-8 text of {len} bytes, found invalid UTF-8.", e);
        }
    }

    private byte[] ReadBytes()
    {
        int len = ReadLength("a bytes length", dimsField: false);
        byte[] result = _data.Slice(_pos, len).ToArray();
        _pos += len;
        return result;
    }

    private object ReadInt()
    {
        int len = ReadU16Length();
        var bytes = _data.Slice(_pos, len);
        _pos += len;
        if (len == 0) return 0L;
        if (len <= 8)
        {
            // Sign-extend little-endian two's complement into a long.
            long v = (sbyte)bytes[len - 1];
            for (int i = len - 2; i >= 0; i--) v = (v << 8) | bytes[i];
            return v;
        }
        var big = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        if (big >= long.MinValue && big <= long.MaxValue) return (long)big;
        return big;
    }

    private int ReadU16Length()
    {
        Need(2, "a u16 integer byte count");
        int len = BinaryPrimitives.ReadUInt16LittleEndian(_data.Slice(_pos));
        _pos += 2;
        Need(len, $"{len} integer bytes");
        return len;
    }

    private bool ReadBool()
    {
        int at = _pos;
        byte b = ReadByte("a bool byte");
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw Error(at, "a bool byte 0x00 or 0x01", $"0x{b:X2}"),
        };
    }

    private double ReadDouble()
    {
        Need(8, "an 8-byte float");
        double v = BinaryPrimitives.ReadDoubleLittleEndian(_data.Slice(_pos));
        _pos += 8;
        return v;
    }

    private Complex ReadComplex()
    {
        Need(16, "a 16-byte complex");
        double re = BinaryPrimitives.ReadDoubleLittleEndian(_data.Slice(_pos));
        double im = BinaryPrimitives.ReadDoubleLittleEndian(_data.Slice(_pos + 8));
        _pos += 16;
        return new Complex(re, im);
    }

    private Guid ReadGuid()
    {
        Need(16, "a 16-byte UUID");
        var g = new Guid(_data.Slice(_pos, 16), bigEndian: true);
        _pos += 16;
        return g;
    }

    private object ReadDecimal()
    {
        int len = ReadLength("a Decimal text length", dimsField: false);
        int at = _pos;
        var bytes = _data.Slice(at, len);
        _pos += len;
        if (!PythonDecimal.IsValidText(bytes))
            throw Error(at, "the text of a Python Decimal", $"\"{Encoding.ASCII.GetString(bytes)}\"");
        string text = Encoding.ASCII.GetString(bytes);
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal d) && PythonDecimal.Format(d) == text)
            return d;
        return new BlobDecimal(text);
    }

    private object? ReadDateTime()
    {
        int at = _pos;
        Need(12, "a 4-byte date and an 8-byte time");
        int date = BinaryPrimitives.ReadInt32LittleEndian(_data.Slice(_pos));
        long time = BinaryPrimitives.ReadInt64LittleEndian(_data.Slice(_pos + 4));
        _pos += 12;
        if (date == -1 && time == -1) return null;
        DateOnly? d = null;
        TimeOnly? t = null;
        if (date != -1)
        {
            int y = date / 10000, m = date / 100 % 100, day = date % 100;
            if (date < 0 || y < 1 || y > 9999 || m < 1 || m > 12 || day < 1 || day > DateTime.DaysInMonth(y, m))
                throw Error(at, "a date YYYYMMDD or -1", date.ToString(CultureInfo.InvariantCulture));
            d = new DateOnly(y, m, day);
        }
        if (time != -1)
        {
            long h = time / 10_000_000_000, mi = time / 100_000_000 % 100, s = time / 1_000_000 % 100, us = time % 1_000_000;
            if (time < 0 || h > 23 || mi > 59 || s > 59)
                throw Error(at + 4, "a time HHMMSSffffff or -1", time.ToString(CultureInfo.InvariantCulture));
            t = new TimeOnly(new TimeOnly((int)h, (int)mi, (int)s).Ticks + us * 10);
        }
        if (d is { } dd && t is { } tt) return dd.ToDateTime(tt, DateTimeKind.Unspecified);
        if (d is { } onlyDate) return onlyDate;
        return t!.Value;
    }

    private int[] ReadShape(out int count)
    {
        int at = _pos;
        int ndim = ReadCount("ndim", SizeWidth, dimsField: true);
        var shape = new int[ndim];
        long n = 1;
        for (int i = 0; i < ndim; i++)
        {
            int dimAt = _pos;
            ulong d = ReadSize("a dimension");
            if (d > (ulong)Array.MaxLength)
                throw Error(dimAt, "a dimension a .NET array can hold", d.ToString(CultureInfo.InvariantCulture));
            shape[i] = (int)d;
            n = Math.Min(n * (long)d, (long)Array.MaxLength + 1); // saturate: a later 0 still gives 0
        }
        if (n > Array.MaxLength)
            throw Error(at, "a shape whose element count a .NET array can hold", $"[{string.Join(", ", shape)}]");
        count = (int)n;
        return shape;
    }

    private BlobArray ReadArray()
    {
        int[] shape = ReadShape(out int n);
        int classAt = _pos;
        uint cls = ReadU32("a class id");
        int complexAt = _pos;
        uint complexFlag = ReadU32("a complex flag");
        if (complexFlag > 1) throw Error(complexAt, "a complex flag 0 or 1", complexFlag.ToString(CultureInfo.InvariantCulture));
        bool complex = complexFlag == 1;
        var blobClass = (BlobClass)cls;
        switch (blobClass)
        {
            case BlobClass.Logical:
                NotComplex(complex, complexAt, blobClass);
                return ReadLogical(shape, n);
            case BlobClass.Char:
                NotComplex(complex, complexAt, blobClass);
                return ReadNumeric<char>(shape, n, false, blobClass);
            case BlobClass.Object:
                NotComplex(complex, complexAt, blobClass);
                return ReadObjectArray(shape, n);
            case BlobClass.Double: return ReadNumeric<double>(shape, n, complex, blobClass);
            case BlobClass.Single: return ReadNumeric<float>(shape, n, complex, blobClass);
            case BlobClass.Int8: return ReadNumeric<sbyte>(shape, n, complex, blobClass);
            case BlobClass.UInt8: return ReadNumeric<byte>(shape, n, complex, blobClass);
            case BlobClass.Int16: return ReadNumeric<short>(shape, n, complex, blobClass);
            case BlobClass.UInt16: return ReadNumeric<ushort>(shape, n, complex, blobClass);
            case BlobClass.Int32: return ReadNumeric<int>(shape, n, complex, blobClass);
            case BlobClass.UInt32: return ReadNumeric<uint>(shape, n, complex, blobClass);
            case BlobClass.Int64: return ReadNumeric<long>(shape, n, complex, blobClass);
            case BlobClass.UInt64: return ReadNumeric<ulong>(shape, n, complex, blobClass);
            default:
                if (cls >= (uint)BlobClass.DateTime64Years && cls <= (uint)BlobClass.DateTime64Attoseconds)
                {
                    NotComplex(complex, complexAt, blobClass);
                    return ReadNumeric<long>(shape, n, false, blobClass);
                }
                throw Error(classAt, "an array class id (3-15 or 65536-65548)", cls.ToString(CultureInfo.InvariantCulture));
        }
    }

    private readonly void NotComplex(bool complex, int at, BlobClass c)
    {
        if (complex) throw Error(at, $"complex flag 0 for a {c} array", "1");
    }

    private BlobArray<T> ReadNumeric<T>(int[] shape, int n, bool complex, BlobClass cls) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        long bytes = (long)n * size * (complex ? 2 : 1);
        if (bytes > Remaining)
            throw Error(_pos, $"{bytes} bytes of {cls} data for shape [{string.Join(", ", shape)}]", $"only {Remaining} bytes left");
        T[] real = ReadBlock<T>(n);
        T[]? imag = complex ? ReadBlock<T>(n) : null;
        return new BlobArray<T>(real, imag, shape, cls);
    }

    private T[] ReadBlock<T>(int n) where T : unmanaged
    {
        var result = GC.AllocateUninitializedArray<T>(n);
        int bytes = n * Unsafe.SizeOf<T>();
        _data.Slice(_pos, bytes).CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        _pos += bytes;
        if (!BitConverter.IsLittleEndian) Endian.Reverse(result.AsSpan());
        return result;
    }

    private BlobArray<bool> ReadLogical(int[] shape, int n)
    {
        Need(n, $"{n} bytes of logical data");
        var result = new bool[n];
        var src = _data.Slice(_pos, n);
        for (int i = 0; i < n; i++) result[i] = src[i] != 0;
        _pos += n;
        return new BlobArray<bool>(result, null, shape, BlobClass.Logical);
    }

    private BlobArray<object?> ReadObjectArray(int[] shape, int n)
    {
        if (n > Remaining / 9)
            throw Error(_pos, $"{n} object-array elements", $"only {Remaining} bytes left");
        var items = new object?[n];
        for (int i = 0; i < n; i++) items[i] = ReadPrefixed();
        return new BlobArray<object?>(items, null, shape, BlobClass.Object);
    }

    private string[] ReadFieldNames(int nfields)
    {
        var names = new string[nfields];
        for (int f = 0; f < nfields; f++)
        {
            int at = _pos;
            int nul = _data.Slice(_pos, Remaining).IndexOf((byte)0);
            if (nul < 0) throw Error(at, "a NUL-terminated field name", "no NUL before the end");
            try
            {
                names[f] = StrictUtf8.GetString(_data.Slice(_pos, nul));
            }
            catch (DecoderFallbackException e)
            {
                throw new DataJointException($"Invalid blob: at offset {at} of the {_where} expected a UTF-8 field name, found invalid UTF-8.", e);
            }
            _pos += nul + 1;
        }
        return names;
    }

    private MatStruct ReadStruct()
    {
        int[] shape = ReadShape(out int n);
        int at = _pos;
        uint nfields = ReadU32("a struct field count");
        if (nfields > (uint)Remaining)
            throw Error(at, "a struct field count the remaining bytes can hold", $"{nfields} with only {Remaining} bytes left");
        string[] names = ReadFieldNames((int)nfields);
        long values = (long)n * nfields;
        if (values > Remaining / 9)
            throw Error(_pos, $"{values} struct values ({n} elements x {nfields} fields)", $"only {Remaining} bytes left");
        var items = new object?[values];
        for (int i = 0; i < items.Length; i++) items[i] = ReadPrefixed();
        try
        {
            return new MatStruct(names, items, shape, trusted: true);
        }
        catch (DataJointException e)
        {
            throw new DataJointException($"Invalid blob: struct at offset {at} of the {_where}: {e.Message}", e);
        }
    }

    private MatCell ReadCell()
    {
        int[] shape = ReadShape(out int n);
        if (n > Remaining / 9)
            throw Error(_pos, $"{n} cell elements", $"only {Remaining} bytes left");
        var items = new object?[n];
        for (int i = 0; i < n; i++) items[i] = ReadPrefixed();
        return new MatCell(items, shape, trusted: true);
    }

    /// <summary>MATLAB sparse (mym layout): rows, cols, nzmax, class, complex, jc, ir, values [, imaginary].</summary>
    private SparseMatrix ReadSparse()
    {
        int at = _pos;
        ulong rows = ReadSize("sparse rows"), cols = ReadSize("sparse columns"), nzmax = ReadSize("sparse nzmax");
        int classAt = _pos;
        uint cls = ReadU32("a sparse class id");
        int complexAt = _pos;
        uint complexFlag = ReadU32("a sparse complex flag");
        if (cls != (uint)BlobClass.Double && cls != (uint)BlobClass.Logical)
            throw Error(classAt, "sparse class 6 (double) or 3 (logical)", cls.ToString(CultureInfo.InvariantCulture));
        if (complexFlag > 1 || (complexFlag == 1 && cls != (uint)BlobClass.Double))
            throw Error(complexAt, "a sparse complex flag 0 (or 1 for double)", complexFlag.ToString(CultureInfo.InvariantCulture));
        int w = SizeWidth;
        int valueSize = cls == (uint)BlobClass.Double ? 8 : 1;
        if (rows > int.MaxValue || cols >= int.MaxValue || nzmax > int.MaxValue
            || (decimal)(cols + 1) * w + (decimal)nzmax * (w + valueSize * (complexFlag + 1)) > Remaining)
            throw Error(at, "a sparse matrix whose index and value arrays fit in the remaining bytes", $"{rows}x{cols} with nzmax {nzmax} and only {Remaining} bytes left");
        var jc = new long[(int)cols + 1];
        for (int i = 0; i < jc.Length; i++) jc[i] = (long)ReadSize("jc");
        var ir = new long[(int)nzmax];
        for (int i = 0; i < ir.Length; i++) ir[i] = (long)ReadSize("ir");
        string? problem = SparseMatrix.Validate((long)rows, (long)cols, jc, ir, ir.Length, null);
        if (problem is not null) throw Error(at, "a consistent compressed-sparse-column matrix", problem);
        if (cls == (uint)BlobClass.Logical)
        {
            var flags = ReadLogical([ir.Length], ir.Length).Data;
            return new SparseMatrix((int)rows, (int)cols, jc, ir, flags);
        }
        double[] real = ReadBlock<double>(ir.Length);
        double[]? imag = complexFlag == 1 ? ReadBlock<double>(ir.Length) : null;
        return new SparseMatrix((int)rows, (int)cols, jc, ir, real, imag);
    }

    private RecordArray? ReadRecordArray()
    {
        int at = _pos;
        uint nfields = ReadU32("a record field count");
        if (nfields > (uint)(Remaining / 2))
            throw Error(at, "a record field count the remaining bytes can hold", $"{nfields} with only {Remaining} bytes left");
        if (nfields == 0) return null;
        string[] names = ReadFieldNames((int)nfields);
        var columns = new object[nfields];
        IReadOnlyList<int>? shape = null;
        for (int f = 0; f < nfields; f++)
        {
            int colAt = _pos;
            if (Remaining < 1 || (_data[_pos] != (byte)'A' && _data[_pos] != (byte)'F'))
                throw Error(colAt, $"an A or F element for record field '{names[f]}'", Remaining < 1 ? "the end of the data" : $"code 0x{_data[_pos]:X2}");
            object? col = ReadElement();
            if (col is null)
                throw Error(colAt, $"a column for record field '{names[f]}'", "an empty record array");
            var colShape = RecordArray.ShapeOf(col);
            if (shape is null) shape = colShape;
            else if (!colShape.SequenceEqual(shape))
                throw Error(colAt, $"record field '{names[f]}' with the shape of the first field", $"shape [{string.Join(", ", colShape)}]");
            columns[f] = col;
        }
        return new RecordArray(names, columns, [.. shape!]);
    }
}

/// <summary>Byte-order helpers for big-endian hosts (the format is little-endian).</summary>
internal static class Endian
{
    public static void Reverse<T>(Span<T> values) where T : unmanaged
    {
        switch (Unsafe.SizeOf<T>())
        {
            case 2:
                var s = MemoryMarshal.Cast<T, ushort>(values);
                BinaryPrimitives.ReverseEndianness(s, s);
                break;
            case 4:
                var i = MemoryMarshal.Cast<T, uint>(values);
                BinaryPrimitives.ReverseEndianness(i, i);
                break;
            case 8:
                var l = MemoryMarshal.Cast<T, ulong>(values);
                BinaryPrimitives.ReverseEndianness(l, l);
                break;
        }
    }
}
