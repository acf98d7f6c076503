using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace DataJoint;

/// <summary>
/// Writes one blob value element by element, without building an object tree: containers are opened with
/// their item count (<see cref="WriteDictStart"/>, <see cref="WriteListStart"/>...), and every following
/// write fills the next slot; a container closes itself when its last slot is written, and the byte-length
/// prefixes are filled in then. The protocol header (<c>mYm</c> or <c>dj0</c>) is chosen from what was
/// written, exactly as DataJoint Python chooses it.
/// </summary>
/// <example>
/// <code>
/// using var w = new BlobWriter();
/// w.WriteDictStart(2);
/// w.WriteKey("name"); w.WriteValue("Anonymous");
/// w.WriteKey("age");  w.WriteValue(15);
/// byte[] blob = w.ToArray();   // same bytes as Python's pack({'name': 'Anonymous', 'age': 15})
/// </code>
/// </example>
public sealed class BlobWriter : IDisposable
{
    /// <summary>
    /// Maximum nesting depth: how many non-empty containers may enclose a value (deeper values, e.g. a list that contains
    /// itself, are refused). The reader's default limit is the same (<see cref="BlobReadOptions.MaxDepth"/>).
    /// </summary>
    public const int MaxDepth = 1000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly ConcurrentDictionary<Type, bool> IsSetType = new();

    private byte[] _buffer;
    private bool _pooled;
    private bool _detached;
    private int _pos;
    private Frame[] _frames = new Frame[8];
    private int _depth;
    private bool _complete;
    private bool _dj0;

    private struct Frame
    {
        public long Remaining;
        public int PrefixPos;
        public bool NoPrefix;
        public bool IsDict;
    }

    /// <summary>Creates a writer with a pooled, growing buffer.</summary>
    public BlobWriter()
        : this(256)
    {
    }

    /// <summary>Creates a writer with a pooled buffer of at least <paramref name="initialCapacity"/> bytes.</summary>
    public BlobWriter(int initialCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 64));
        _pooled = true;
        _pos = 4;
    }

    /// <summary>Writer over an exactly sized array (Blob.Pack's fast path: no final copy).</summary>
    internal BlobWriter(byte[] exact)
    {
        _buffer = exact;
        _pooled = false;
        _pos = 4;
    }

    /// <summary>True once the one top-level value has been written completely.</summary>
    public bool IsComplete => _complete;

    /// <summary>True when something written needs the Python-only <c>dj0</c> header (MATLAB cannot read it).</summary>
    public bool RequiresPythonProtocol => _dj0;

    /// <summary>Bytes written so far, including the 4-byte header.</summary>
    public int Length => _pos;

    /// <summary>The finished, uncompressed blob (header + element). Valid until the writer is reset or disposed.</summary>
    public ReadOnlySpan<byte> WrittenSpan
    {
        get
        {
            RequireComplete();
            PatchHeader();
            return _buffer.AsSpan(0, _pos);
        }
    }

    /// <summary>Clears the writer to write another value, keeping its buffer.</summary>
    public void Reset()
    {
        if (_detached) throw new InvalidOperationException("This writer's buffer was handed out by ToArray.");
        _pos = 4;
        _depth = 0;
        _complete = false;
        _dj0 = false;
    }

    /// <summary>
    /// The finished blob. With <paramref name="compress"/> (the default, as in DataJoint), blobs longer than
    /// 1000 bytes are zlib-compressed and the compressed form kept only if strictly smaller.
    /// </summary>
    public byte[] ToArray(bool compress = true)
    {
        var blob = WrittenSpan;
        if (compress && BlobCompression.TryCompress(blob, BlobCompression.DefaultLevel) is { } packed)
            return packed;
        if (!_pooled && _buffer.Length == _pos && !_detached)
        {
            _detached = true;
            return _buffer;
        }
        return blob.ToArray();
    }

    /// <summary>Writes the finished blob (compressed as in <see cref="ToArray"/>) to <paramref name="destination"/>.</summary>
    public void WriteTo(IBufferWriter<byte> destination, bool compress = true)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var blob = WrittenSpan;
        if (compress && BlobCompression.TryCompress(blob, BlobCompression.DefaultLevel) is { } packed)
        {
            destination.Write(packed);
            return;
        }
        destination.Write(blob);
    }

    /// <summary>Returns the pooled buffer.</summary>
    public void Dispose()
    {
        if (_pooled)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _pooled = false;
        }
        _buffer = [];
        _detached = true;
    }

    // ---------------------------------------------------------------- containers

    /// <summary>Starts a dict (<c>04</c>) of <paramref name="count"/> pairs: then write key, value, key, value...</summary>
    public void WriteDictStart(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int p = Begin();
        MarkDj0();
        WriteCodeAndCount(0x04, (ulong)count);
        Open(p, 2L * count, noPrefix: false, isDict: true);
    }

    /// <summary>Writes a dict key (a <c>05</c> string). Only valid at a key position of an open dict.</summary>
    public void WriteKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_depth == 0 || !_frames[_depth - 1].IsDict || (_frames[_depth - 1].Remaining & 1) != 0)
            throw new InvalidOperationException("WriteKey must be called at a key position of a dict opened with WriteDictStart.");
        WriteString(key);
    }

    /// <summary>Starts a list (<c>02</c>) of <paramref name="count"/> items.</summary>
    public void WriteListStart(int count) => StartSequence(0x02, count);

    /// <summary>Starts a tuple (<c>01</c>) of <paramref name="count"/> items.</summary>
    public void WriteTupleStart(int count) => StartSequence(0x01, count);

    /// <summary>Starts a set (<c>03</c>) of <paramref name="count"/> items.</summary>
    public void WriteSetStart(int count) => StartSequence(0x03, count);

    /// <summary>Starts a MATLAB cell array (<c>C</c>) of the given shape; then write its elements in column-major order.</summary>
    public void WriteCellStart(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int n = BlobArray.Product(shape);
        int p = Begin();
        WriteByte((byte)'C');
        WriteShape(shape);
        Open(p, n, noPrefix: false, isDict: false);
    }

    /// <summary>
    /// Starts a MATLAB struct array (<c>S</c>) with the given field names and shape; then write, for each
    /// element in column-major order, the value of each field in field order.
    /// </summary>
    public void WriteStructStart(IReadOnlyList<string> fieldNames, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(fieldNames);
        ArgumentNullException.ThrowIfNull(shape);
        int n = BlobArray.Product(shape);
        int p = Begin();
        WriteByte((byte)'S');
        WriteShape(shape);
        WriteU32((uint)fieldNames.Count);
        foreach (var name in fieldNames) WriteFieldName(name);
        Open(p, (long)n * fieldNames.Count, noPrefix: false, isDict: false);
    }

    /// <summary>Starts a numpy object array (<c>A</c>, class 5) of the given shape; then write its elements column-major.</summary>
    public void WriteObjectArrayStart(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int n = BlobArray.Product(shape);
        int p = Begin();
        MarkDj0();
        WriteArrayHeader(shape, BlobClass.Object, complex: false);
        Open(p, n, noPrefix: false, isDict: false);
    }

    // ---------------------------------------------------------------- scalars

    /// <summary>Writes <c>None</c> (<c>FF</c>).</summary>
    public void WriteNull()
    {
        int p = Begin();
        MarkDj0();
        WriteByte(0xFF);
        End(p);
    }

    /// <summary>Writes a Python bool (<c>0B</c>).</summary>
    public void WriteBool(bool value)
    {
        int p = Begin();
        MarkDj0();
        Ensure(2);
        _buffer[_pos] = 0x0B;
        _buffer[_pos + 1] = value ? (byte)1 : (byte)0;
        _pos += 2;
        End(p);
    }

    /// <summary>Writes a Python int (<c>0A</c>) with DataJoint Python's length rule (⌊bitlen(|v|)/8⌋ + 1 bytes).</summary>
    public void WriteInt64(long value)
    {
        int p = Begin();
        MarkDj0();
        ulong magnitude = value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        int len = (64 - BitOperations.LeadingZeroCount(magnitude)) / 8 + 1;
        Ensure(3 + len);
        _buffer[_pos] = 0x0A;
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(_pos + 1), (ushort)len);
        Span<byte> tmp = stackalloc byte[9];
        BinaryPrimitives.WriteInt64LittleEndian(tmp, value);
        tmp[8] = value < 0 ? (byte)0xFF : (byte)0;
        tmp[..len].CopyTo(_buffer.AsSpan(_pos + 3));
        _pos += 3 + len;
        End(p);
    }

    /// <summary>Writes a Python int (<c>0A</c>) from an unsigned value.</summary>
    public void WriteUInt64(ulong value)
    {
        if (value <= long.MaxValue)
        {
            WriteInt64((long)value);
            return;
        }
        WriteInteger(new BigInteger(value));
    }

    /// <summary>Writes a Python int (<c>0A</c>) of any size (at most 65535 bytes).</summary>
    public void WriteInteger(BigInteger value)
    {
        if (value >= long.MinValue && value <= long.MaxValue)
        {
            WriteInt64((long)value);
            return;
        }
        long bitLength = BigInteger.Abs(value).GetBitLength();
        long len = bitLength / 8 + 1;
        if (len > ushort.MaxValue) throw new DataJointException("Blob: integers are limited to 65535 bytes.");
        int p = Begin();
        MarkDj0();
        Ensure(3 + (int)len);
        _buffer[_pos] = 0x0A;
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(_pos + 1), (ushort)len);
        var dest = _buffer.AsSpan(_pos + 3, (int)len);
        dest.Fill(value.Sign < 0 ? (byte)0xFF : (byte)0);
        value.TryWriteBytes(dest, out _, isUnsigned: false, isBigEndian: false);
        _pos += 3 + (int)len;
        End(p);
    }

    /// <summary>Writes a Python float (<c>0D</c>, binary64).</summary>
    public void WriteDouble(double value)
    {
        int p = Begin();
        MarkDj0();
        Ensure(9);
        _buffer[_pos] = 0x0D;
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(_pos + 1), value);
        _pos += 9;
        End(p);
    }

    /// <summary>Writes a Python complex (<c>0C</c>).</summary>
    public void WriteComplex(Complex value)
    {
        int p = Begin();
        MarkDj0();
        Ensure(17);
        _buffer[_pos] = 0x0C;
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(_pos + 1), value.Real);
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(_pos + 9), value.Imaginary);
        _pos += 17;
        End(p);
    }

    /// <summary>Writes a Python str (<c>05</c>, UTF-8).</summary>
    public void WriteString(ReadOnlySpan<char> value)
    {
        int p = Begin();
        MarkDj0();
        int len;
        try
        {
            len = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new DataJointException("Blob: the string contains an unpaired UTF-16 surrogate and cannot be written as UTF-8.", e);
        }
        Ensure(9 + len);
        _buffer[_pos] = 0x05;
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_pos + 1), (ulong)len);
        StrictUtf8.GetBytes(value, _buffer.AsSpan(_pos + 9, len));
        _pos += 9 + len;
        End(p);
    }

    /// <summary>Writes Python bytes (<c>06</c>).</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        int p = Begin();
        MarkDj0();
        Ensure(9 + value.Length);
        WriteBytesPrefix(value.Length);
        value.CopyTo(_buffer.AsSpan(_pos));
        _pos += value.Length;
        End(p);
    }

    /// <summary>
    /// A top-level <c>bytes</c> value without its content: the blob is this header followed by the
    /// <paramref name="length"/> content bytes (<see cref="BlobSplit"/>).
    /// </summary>
    internal void WriteBytesHeaderOnly(int length)
    {
        if (_depth != 0) throw new InvalidOperationException("Only a top-level value can be written without its data.");
        int p = Begin();
        MarkDj0();
        Ensure(9);
        WriteBytesPrefix(length);
        End(p);
    }

    private void WriteBytesPrefix(int length)
    {
        _buffer[_pos] = 0x06;
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_pos + 1), (ulong)length);
        _pos += 9;
    }

    /// <summary>
    /// A top-level real numeric array without its elements: the blob is this header followed by the column-major
    /// element bytes (little-endian) (<see cref="BlobSplit"/>). The same header as <see cref="WriteArray{T}(ReadOnlySpan{T}, ReadOnlySpan{int})"/>.
    /// </summary>
    internal void WriteArrayHeaderOnly(ReadOnlySpan<int> shape, BlobClass cls, bool dj0)
    {
        if (_depth != 0) throw new InvalidOperationException("Only a top-level value can be written without its data.");
        int p = Begin();
        if (dj0) MarkDj0();
        WriteArrayHeader(shape, cls, complex: false);
        End(p);
    }

    /// <summary>Writes a Python Decimal (<c>d</c>) with the text Python's <c>str()</c> gives.</summary>
    public void WriteDecimal(decimal value) => WriteDecimalText(PythonDecimal.Format(value));

    /// <summary>Writes a Python Decimal (<c>d</c>) from its exact text.</summary>
    public void WriteDecimal(BlobDecimal value)
    {
        if (value.Text is null || !PythonDecimal.IsValidText(Encoding.ASCII.GetBytes(value.Text)) || !Ascii.IsValid(value.Text))
            throw new DataJointException($"Blob: \"{value.Text}\" is not the text of a Python Decimal.");
        WriteDecimalText(value.Text);
    }

    private void WriteDecimalText(string text)
    {
        int p = Begin();
        MarkDj0();
        Ensure(9 + text.Length);
        _buffer[_pos] = (byte)'d';
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_pos + 1), (ulong)text.Length);
        Encoding.ASCII.GetBytes(text, _buffer.AsSpan(_pos + 9));
        _pos += 9 + text.Length;
        End(p);
    }

    /// <summary>Writes a Python datetime (<c>t</c>): the wall-clock fields, microsecond precision (sub-µs ticks are dropped, Kind is ignored).</summary>
    public void WriteDateTime(DateTime value) => WriteDateTimeParts(DateOf(DateOnly.FromDateTime(value)), TimeOf(TimeOnly.FromDateTime(value)));

    /// <summary>Writes a Python date (<c>t</c> with no time part).</summary>
    public void WriteDate(DateOnly value) => WriteDateTimeParts(DateOf(value), -1);

    /// <summary>Writes a Python time (<c>t</c> with no date part), microsecond precision.</summary>
    public void WriteTime(TimeOnly value) => WriteDateTimeParts(-1, TimeOf(value));

    private static int DateOf(DateOnly d) => d.Year * 10000 + d.Month * 100 + d.Day;

    private static long TimeOf(TimeOnly t) =>
        t.Hour * 10_000_000_000L + t.Minute * 100_000_000L + t.Second * 1_000_000L + t.Ticks % TimeSpan.TicksPerSecond / 10;

    private void WriteDateTimeParts(int date, long time)
    {
        int p = Begin();
        MarkDj0();
        Ensure(13);
        _buffer[_pos] = (byte)'t';
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_pos + 1), date);
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_pos + 5), time);
        _pos += 13;
        End(p);
    }

    /// <summary>Writes a UUID (<c>u</c>, RFC 4122 byte order).</summary>
    public void WriteGuid(Guid value)
    {
        int p = Begin();
        MarkDj0();
        Ensure(17);
        _buffer[_pos] = (byte)'u';
        value.TryWriteBytes(_buffer.AsSpan(_pos + 1, 16), bigEndian: true, out _);
        _pos += 17;
        End(p);
    }

    // ---------------------------------------------------------------- arrays

    /// <summary>Writes a 1-D numeric array (numpy shape (n,)) straight from a span: no intermediate array.</summary>
    public void WriteArray<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        Span<int> shape = [values.Length];
        WriteArray(values, shape);
    }

    /// <summary>Writes a numeric array from column-major <paramref name="values"/> and a shape.</summary>
    public void WriteArray<T>(ReadOnlySpan<T> values, ReadOnlySpan<int> shape) where T : unmanaged
    {
        if (typeof(T) == typeof(Complex))
        {
            WriteComplexArray(MemoryMarshal.Cast<T, Complex>(values), shape);
            return;
        }
        var cls = BlobArray.ClassOf(typeof(T)) ?? throw new DataJointException($"Blob: {typeof(T).Name} is not a blob array element type.");
        long n = 1;
        foreach (int d in shape) n *= d;
        if (n != values.Length) throw new ArgumentException($"The shape holds {n} elements but {values.Length} were given.", nameof(shape));
        int p = Begin();
        if (shape.Length == 0) MarkDj0();
        WriteArrayHeader(shape, cls, complex: false);
        WriteRaw(values);
        End(p);
    }

    /// <summary>Writes a <see cref="BlobArray{T}"/> (numeric, logical, char, datetime64 or object).</summary>
    public void WriteArray<T>(BlobArray<T> array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Class == BlobClass.Object)
        {
            WriteObjectArrayStart(array.ShapeArray);
            foreach (var item in array.Data) WriteValue(item);
            return;
        }
        int p = Begin();
        if (array.Rank == 0 || array.IsDateTime64) MarkDj0();
        WriteArrayHeader(array.ShapeArray, array.Class, array.IsComplex);
        WriteRawUnchecked(array.Data);
        if (array.Imaginary is not null) WriteRawUnchecked(array.Imaginary);
        End(p);
    }

    private void WriteComplexArray(ReadOnlySpan<Complex> values, ReadOnlySpan<int> shape)
    {
        int p = Begin();
        if (shape.Length == 0) MarkDj0();
        WriteArrayHeader(shape, BlobClass.Double, complex: true);
        int n = values.Length;
        Ensure(16 * n);
        var dest = _buffer.AsSpan(_pos, 16 * n);
        for (int i = 0; i < n; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(dest.Slice(8 * i), values[i].Real);
            BinaryPrimitives.WriteDoubleLittleEndian(dest.Slice(8 * (n + i)), values[i].Imaginary);
        }
        _pos += 16 * n;
        End(p);
    }

    /// <summary>Writes a numpy record array (<c>F</c>).</summary>
    public void WriteRecordArray(RecordArray records)
    {
        ArgumentNullException.ThrowIfNull(records);
        int p = Begin();
        MarkDj0();
        WriteByte((byte)'F');
        WriteU32((uint)records.FieldNames.Count);
        foreach (var name in records.FieldNames) WriteFieldName(name);
        Open(p, records.Columns.Count, noPrefix: true, isDict: false);
        foreach (var column in records.Columns) WriteValue(column);
    }

    /// <summary>Writes a MATLAB sparse matrix (<c>P</c>; MATLAB reads it, DataJoint Python cannot).</summary>
    public void WriteSparse(SparseMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int p = Begin();
        WriteByte((byte)'P');
        Ensure(3 * 8 + 8 + 8L * (matrix.ColumnStartsArray.Length + matrix.RowIndicesArray.Length));
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_pos), (ulong)matrix.Rows);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_pos + 8), (ulong)matrix.Columns);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_pos + 16), (ulong)matrix.RowIndicesArray.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_pos + 24), (uint)matrix.Class);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_pos + 28), matrix.Imaginary is null ? 0u : 1u);
        _pos += 32;
        WriteRaw<long>(matrix.ColumnStartsArray);
        WriteRaw<long>(matrix.RowIndicesArray);
        if (matrix.Values is double[] real) WriteRaw<double>(real);
        else WriteRaw<bool>((bool[])matrix.Values);
        if (matrix.Imaginary is not null) WriteRaw<double>(matrix.Imaginary);
        End(p);
    }

    // ---------------------------------------------------------------- generic values

    /// <summary>
    /// Writes any supported value; for the primitive types this is specialised per <typeparamref name="T"/>
    /// by the JIT, so no boxing happens (the typed write path used by generated mappers).
    /// </summary>
    public void WriteValue<T>(T value)
    {
        if (typeof(T) == typeof(double)) WriteDouble(Unsafe.As<T, double>(ref value));
        else if (typeof(T) == typeof(long)) WriteInt64(Unsafe.As<T, long>(ref value));
        else if (typeof(T) == typeof(int)) WriteInt64(Unsafe.As<T, int>(ref value));
        else if (typeof(T) == typeof(bool)) WriteBool(Unsafe.As<T, bool>(ref value));
        else if (typeof(T) == typeof(float)) WriteDouble(Unsafe.As<T, float>(ref value));
        else if (typeof(T) == typeof(short)) WriteInt64(Unsafe.As<T, short>(ref value));
        else if (typeof(T) == typeof(sbyte)) WriteInt64(Unsafe.As<T, sbyte>(ref value));
        else if (typeof(T) == typeof(byte)) WriteInt64(Unsafe.As<T, byte>(ref value));
        else if (typeof(T) == typeof(ushort)) WriteInt64(Unsafe.As<T, ushort>(ref value));
        else if (typeof(T) == typeof(uint)) WriteInt64(Unsafe.As<T, uint>(ref value));
        else if (typeof(T) == typeof(ulong)) WriteUInt64(Unsafe.As<T, ulong>(ref value));
        else if (typeof(T) == typeof(decimal)) WriteDecimal(Unsafe.As<T, decimal>(ref value));
        else if (typeof(T) == typeof(Guid)) WriteGuid(Unsafe.As<T, Guid>(ref value));
        else if (typeof(T) == typeof(DateTime)) WriteDateTime(Unsafe.As<T, DateTime>(ref value));
        else if (typeof(T) == typeof(DateOnly)) WriteDate(Unsafe.As<T, DateOnly>(ref value));
        else if (typeof(T) == typeof(TimeOnly)) WriteTime(Unsafe.As<T, TimeOnly>(ref value));
        else if (typeof(T) == typeof(Complex)) WriteComplex(Unsafe.As<T, Complex>(ref value));
        else WriteValue((object?)value);
    }

    /// <summary>Writes any supported value (see docs/blob.md for the mapping of .NET types to blob elements).</summary>
    public void WriteValue(object? value)
    {
        switch (value)
        {
            case null: WriteNull(); return;
            case string s: WriteString(s); return;
            case bool b: WriteBool(b); return;
            case double d: WriteDouble(d); return;
            case long l: WriteInt64(l); return;
            case int i: WriteInt64(i); return;
            case BlobArray a: a.WriteTo(this); return;
            case BlobDictionary bd: WriteDictionary(bd); return;
            case List<object?> list: WriteList(list); return;
            case byte[] bytes when bytes.GetType() == typeof(byte[]): WriteBytes(bytes); return; // not sbyte[] (CLR array covariance)
            case float f: WriteDouble(f); return;
            case short sh: WriteInt64(sh); return;
            case sbyte sb: WriteInt64(sb); return;
            case byte u8: WriteInt64(u8); return;
            case ushort u16: WriteInt64(u16); return;
            case uint u32: WriteInt64(u32); return;
            case ulong u64: WriteUInt64(u64); return;
            case Half h: WriteDouble((double)h); return;
            case BigInteger big: WriteInteger(big); return;
            case decimal m: WriteDecimal(m); return;
            case BlobDecimal bdec: WriteDecimal(bdec); return;
            case Complex c: WriteComplex(c); return;
            case Guid g: WriteGuid(g); return;
            case DateTime dt: WriteDateTime(dt); return;
            case DateTimeOffset dto: WriteDateTime(dto.DateTime); return;
            case DateOnly date: WriteDate(date); return;
            case TimeOnly time: WriteTime(time); return;
            case TimeSpan ts:
                if (ts < TimeSpan.Zero || ts >= TimeSpan.FromDays(1))
                    throw new DataJointException($"Blob: a TimeSpan is written as a Python time of day and must be within [0, 24h); got {ts}.");
                WriteTime(TimeOnly.FromTimeSpan(ts));
                return;
            case char ch: WriteString([ch]); return;
            case Enum e: WriteInteger(Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture)); return;
            case MatCell cell:
                WriteCellStart(cell.ShapeArray);
                foreach (var item in cell.Items) WriteValue(item);
                return;
            case MatStruct st:
                WriteStructStart(st.FieldNames, st.ShapeArray);
                foreach (var item in st.Values) WriteValue(item);
                return;
            case RecordArray rec: WriteRecordArray(rec); return;
            case SparseMatrix sparse: WriteSparse(sparse); return;
            case BlobTuple tuple:
                WriteTupleStart(tuple.Count);
                foreach (var item in tuple) WriteValue(item);
                return;
            case BlobMap map:
                WriteDictStart(map.Count);
                foreach (var (k, v) in map)
                {
                    WriteValue(k);
                    WriteValue(v);
                }
                return;
            case ReadOnlyMemory<byte> rom: WriteBytes(rom.Span); return;
            case Memory<byte> mem: WriteBytes(mem.Span); return;
            case ArraySegment<byte> seg: WriteBytes(seg); return;
            case Array array: WriteDotNetArray(array); return;
            case ITuple t:
                WriteTupleStart(t.Length);
                for (int k = 0; k < t.Length; k++) WriteValue(t[k]);
                return;
            case IDictionary dict:
                WriteDictStart(dict.Count);
                var en = dict.GetEnumerator();
                while (en.MoveNext())
                {
                    WriteValue(en.Key);
                    WriteValue(en.Value);
                }
                return;
            case IReadOnlyDictionary<string, object?> rod:
                WriteDictStart(rod.Count);
                foreach (var (k, v) in rod)
                {
                    WriteString(k);
                    WriteValue(v);
                }
                return;
            case IEnumerable seq when IsSetType.GetOrAdd(value.GetType(), ImplementsSet):
                WriteItems(0x03, seq);
                return;
            case IList ilist:
                WriteListStart(ilist.Count);
                foreach (var item in ilist) WriteValue(item);
                return;
            case IEnumerable other:
                WriteItems(0x02, other);
                return;
            default:
                throw new DataJointException($"Blob: packing a value of type {value.GetType().FullName} is not supported.");
        }
    }

    /// <summary>
    /// Sets pack as Python sets (0x03). The set types of .NET are recognised by their generic type definition (no interface
    /// walk, so trimmed and NativeAOT apps see the same; derived classes count); another class implementing <c>ISet&lt;T&gt;</c>
    /// packs as a list.
    /// </summary>
    private static bool ImplementsSet(Type t)
    {
        for (var b = t; b is not null; b = b.BaseType)
        {
            if (!b.IsGenericType) continue;
            var d = b.GetGenericTypeDefinition();
            if (d == typeof(HashSet<>) || d == typeof(SortedSet<>) || d == typeof(System.Collections.Immutable.ImmutableHashSet<>)
                || d == typeof(System.Collections.Immutable.ImmutableSortedSet<>) || d == typeof(System.Collections.Frozen.FrozenSet<>))
                return true;
        }
        return false;
    }

    private void WriteItems(byte code, IEnumerable items)
    {
        var list = new List<object?>();
        foreach (var item in items) list.Add(item);
        StartSequence(code, list.Count);
        foreach (var item in list) WriteValue(item);
    }

    private void WriteList(List<object?> list)
    {
        WriteListStart(list.Count);
        foreach (var item in list) WriteValue(item);
    }

    private void WriteDictionary(BlobDictionary d)
    {
        WriteDictStart(d.Count);
        for (int i = 0; i < d.Count; i++)
        {
            WriteString(d.KeyAt(i));
            WriteValue(d.ValueAt(i));
        }
    }

    private void WriteDotNetArray(Array array)
    {
        Type et = array.GetType().GetElementType()!;
        if (et == typeof(double)) WriteNativeArray<double>(array);
        else if (et == typeof(float)) WriteNativeArray<float>(array);
        else if (et == typeof(int)) WriteNativeArray<int>(array);
        else if (et == typeof(long)) WriteNativeArray<long>(array);
        else if (et == typeof(short)) WriteNativeArray<short>(array);
        else if (et == typeof(sbyte)) WriteNativeArray<sbyte>(array);
        else if (et == typeof(byte)) WriteNativeArray<byte>(array); // rank >= 2 only; byte[] is Python bytes
        else if (et == typeof(ushort)) WriteNativeArray<ushort>(array);
        else if (et == typeof(uint)) WriteNativeArray<uint>(array);
        else if (et == typeof(ulong)) WriteNativeArray<ulong>(array);
        else if (et == typeof(bool)) WriteNativeArray<bool>(array);
        else if (et == typeof(char)) WriteNativeArray<char>(array);
        else if (et == typeof(Complex)) WriteNativeArray<Complex>(array);
        else if (array.Rank == 1)
        {
            WriteListStart(array.Length);
            foreach (var item in array) WriteValue(item);
        }
        else
        {
            // A multi-dimensional array of other values: a numpy object array, column-major.
            var shape = new int[array.Rank];
            for (int d = 0; d < shape.Length; d++) shape[d] = array.GetLength(d);
            var items = new object?[array.Length];
            int k = 0;
            foreach (var item in array) items[k++] = item;
            var columnMajor = new object?[items.Length];
            ArrayLayout.Reorder<object?>(items, columnMajor, shape, toColumnMajor: true);
            WriteObjectArrayStart(shape);
            foreach (var item in columnMajor) WriteValue(item);
        }
    }

    private void WriteNativeArray<T>(Array array) where T : unmanaged
    {
        ref byte raw = ref MemoryMarshal.GetArrayDataReference(array);
        var src = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, T>(ref raw), array.Length);
        if (array.Rank == 1)
        {
            if (typeof(T) == typeof(char)) WriteArray(src, [1, src.Length]); // char[] is a MATLAB 1×N char row
            else WriteArray(src);
            return;
        }
        var shape = new int[array.Rank];
        for (int d = 0; d < shape.Length; d++) shape[d] = array.GetLength(d);
        var rented = ArrayPool<T>.Shared.Rent(src.Length);
        try
        {
            var columnMajor = rented.AsSpan(0, src.Length);
            ArrayLayout.Reorder(src, columnMajor, shape, toColumnMajor: true);
            WriteArray<T>(columnMajor, shape);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    // ---------------------------------------------------------------- plumbing

    private void StartSequence(byte code, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int p = Begin();
        MarkDj0();
        WriteCodeAndCount(code, (ulong)count);
        Open(p, count, noPrefix: false, isDict: false);
    }

    private void MarkDj0() => _dj0 = true;

    private void RequireComplete()
    {
        if (_detached) throw new InvalidOperationException("This writer's buffer was handed out by ToArray or the writer was disposed.");
        if (!_complete)
            throw new InvalidOperationException(_depth > 0
                ? $"The blob is not complete: a container still expects {_frames[_depth - 1].Remaining} more item(s)."
                : "The blob is empty: write one value first.");
    }

    private void PatchHeader() =>
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, _dj0 ? Blob.HeaderDj0 : Blob.HeaderMym);

    /// <summary>Starts an element; returns the position of its length prefix, or -1 when it has none.</summary>
    private int Begin()
    {
        if (_complete) throw new InvalidOperationException("The blob already holds its one top-level value; call Reset() to write another.");
        if (_detached) throw new InvalidOperationException("This writer's buffer was handed out by ToArray or the writer was disposed.");
        if (_depth > 0 && !_frames[_depth - 1].NoPrefix)
        {
            Ensure(8);
            int p = _pos;
            _pos += 8;
            return p;
        }
        return -1;
    }

    /// <summary>Finishes an element: fills its prefix and closes every container whose last slot it was.</summary>
    private void End(int prefix)
    {
        if (prefix >= 0) PatchLength(prefix);
        while (true)
        {
            if (_depth == 0)
            {
                _complete = true;
                return;
            }
            ref Frame top = ref _frames[_depth - 1];
            if (--top.Remaining > 0) return;
            _depth--;
            if (top.PrefixPos >= 0) PatchLength(top.PrefixPos);
        }
    }

    private void Open(int prefix, long count, bool noPrefix, bool isDict)
    {
        if (count == 0)
        {
            End(prefix);
            return;
        }
        if (_depth >= MaxDepth)
            throw new DataJointException($"Blob: the value nests deeper than {MaxDepth} levels (does a container contain itself?).");
        if (_depth == _frames.Length) Array.Resize(ref _frames, _frames.Length * 2);
        _frames[_depth++] = new Frame { Remaining = count, PrefixPos = prefix, NoPrefix = noPrefix, IsDict = isDict };
    }

    private void PatchLength(int prefix) =>
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(prefix), (ulong)(_pos - prefix - 8));

    private void Ensure(long bytes)
    {
        if (_pos + bytes <= _buffer.Length) return;
        long needed = _pos + bytes;
        if (needed > Array.MaxLength) throw new DataJointException($"Blob: the packed value would exceed {Array.MaxLength} bytes.");
        int size = (int)Math.Min(Math.Max(needed, 2L * _buffer.Length), Array.MaxLength);
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _pos).CopyTo(bigger);
        if (_pooled) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
        _pooled = true;
    }

    private void WriteByte(byte b)
    {
        Ensure(1);
        _buffer[_pos++] = b;
    }

    private void WriteU32(uint v)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_pos), v);
        _pos += 4;
    }

    private void WriteCodeAndCount(byte code, ulong count)
    {
        Ensure(9);
        _buffer[_pos] = code;
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_pos + 1), count);
        _pos += 9;
    }

    private void WriteShape(ReadOnlySpan<int> shape)
    {
        Ensure(8 + 8L * shape.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_pos), (ulong)shape.Length);
        _pos += 8;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException("Dimensions must not be negative.", nameof(shape));
            BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_pos), (ulong)d);
            _pos += 8;
        }
    }

    private void WriteArrayHeader(ReadOnlySpan<int> shape, BlobClass cls, bool complex)
    {
        WriteByte((byte)'A');
        WriteShape(shape);
        Ensure(8);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_pos), (uint)cls);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_pos + 4), complex ? 1u : 0u);
        _pos += 8;
        if (cls is BlobClass.Object || (uint)cls >= (uint)BlobClass.DateTime64Years) MarkDj0();
    }

    private void WriteFieldName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Contains('\0')) throw new DataJointException($"Blob: field name \"{name}\" contains a NUL character.");
        int len = StrictUtf8.GetByteCount(name);
        Ensure(len + 1);
        StrictUtf8.GetBytes(name, _buffer.AsSpan(_pos, len));
        _buffer[_pos + len] = 0;
        _pos += len + 1;
    }

    private void WriteRawUnchecked<T>(T[] data)
    {
        // Only unmanaged element types reach here (object arrays take the WriteObjectArrayStart path).
        ref byte raw = ref MemoryMarshal.GetArrayDataReference((Array)data);
        int bytes = checked(data.Length * Unsafe.SizeOf<T>());
        var src = MemoryMarshal.CreateReadOnlySpan(ref raw, bytes);
        Ensure(bytes);
        src.CopyTo(_buffer.AsSpan(_pos));
        if (!BitConverter.IsLittleEndian) ReverseWritten(bytes, Unsafe.SizeOf<T>());
        _pos += bytes;
    }

    private void WriteRaw<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        var src = MemoryMarshal.AsBytes(values);
        Ensure(src.Length);
        src.CopyTo(_buffer.AsSpan(_pos));
        if (!BitConverter.IsLittleEndian) ReverseWritten(src.Length, Unsafe.SizeOf<T>());
        _pos += src.Length;
    }

    private void ReverseWritten(int bytes, int size)
    {
        var span = _buffer.AsSpan(_pos, bytes);
        switch (size)
        {
            case 2: Endian.Reverse(MemoryMarshal.Cast<byte, ushort>(span)); break;
            case 4: Endian.Reverse(MemoryMarshal.Cast<byte, uint>(span)); break;
            case 8: Endian.Reverse(MemoryMarshal.Cast<byte, ulong>(span)); break;
        }
    }
}
