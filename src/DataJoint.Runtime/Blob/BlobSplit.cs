using System.Buffers;
using System.Runtime.InteropServices;

namespace DataJoint;

/// <summary>
/// A large blob as its small header plus the value's own memory. The packed form of a <c>byte[]</c>, a 1-D array of
/// a real numeric type or a real numeric <see cref="BlobArray{T}"/> is a header followed by the elements exactly as
/// they lie in memory (column-major, little-endian), so a store upload can hash and send the value without copying it
/// into a packed buffer (for a 1 GB array: no second gigabyte). Only values that stay uncompressed qualify: at least
/// <see cref="BlobCompression.ProbeMinLength"/> bytes and refused by the same compressibility probe
/// <see cref="Blob.Pack(object?, bool)"/> uses, so header + data are byte for byte what packing gives, and so is the hash.
/// </summary>
internal static class BlobSplit
{
    /// <summary>Splits <paramref name="value"/> if it qualifies (see the class summary); otherwise false and it must be packed.</summary>
    public static bool TrySplit(object? value, out byte[] header, out ReadOnlyMemory<byte> data)
    {
        header = [];
        data = default;
        if (!BitConverter.IsLittleEndian || value is null) return false;
        // What qualifies is decided before anything is written: most values are small and leave at the size check.
        Array elements;
        switch (value)
        {
            case byte[] bytes when bytes.GetType() == typeof(byte[]):
                elements = bytes;
                break;
            case Array array when array.Rank == 1 && IsRealNumeric(array.GetType().GetElementType()!):
                elements = array;
                break;
            case BlobArray blobArray when blobArray.Class != BlobClass.Object && !blobArray.IsComplex
                                          && blobArray.GetData() is { } blobData && IsRealNumeric(blobData.GetType().GetElementType()!):
                elements = blobData;
                break;
            default:
                return false;
        }
        if (Buffer.ByteLength(elements) < BlobCompression.ProbeMinLength) return false;

        using var writer = new BlobWriter(128);
        if (value is BlobArray a)
            writer.WriteArrayHeaderOnly(a.ShapeArray, a.Class, dj0: a.Rank == 0 || a.IsDateTime64);
        else if (elements.GetType() == typeof(byte[])) // not sbyte[] (CLR array covariance): that one is an int8 array
            writer.WriteBytesHeaderOnly(elements.Length);
        else
            writer.WriteArrayHeaderOnly([elements.Length], BlobArray.ClassOf(elements.GetType().GetElementType()!)!.Value, dj0: false);
        data = ArrayBytes.Of(elements);
        var head = writer.WrittenSpan;
        if ((long)head.Length + data.Length > int.MaxValue) return false;
        if (BlobCompression.SampleCompresses(head, data.Span, BlobCompression.DefaultLevel)) return false;
        header = head.ToArray();
        return true;
    }

    /// <summary>Element types whose blob data is their raw memory (char arrays are MATLAB rows; Complex interleaves differently).</summary>
    private static bool IsRealNumeric(Type t) =>
        t == typeof(double) || t == typeof(float) || t == typeof(long) || t == typeof(int) || t == typeof(short) || t == typeof(sbyte)
        || t == typeof(ulong) || t == typeof(uint) || t == typeof(ushort) || t == typeof(byte) || t == typeof(bool);

    /// <summary>
    /// A <see cref="ReadOnlyMemory{T}"/> of bytes over a primitive array of any element type. Hand-written: .NET
    /// reinterprets spans (<see cref="MemoryMarshal.AsBytes{T}(Span{T})"/>) but not memories, and an upload needs a
    /// memory that outlives one call.
    /// </summary>
    private sealed class ArrayBytes : MemoryManager<byte>
    {
        private readonly Array _array;
        private readonly int _length;

        private ArrayBytes(Array array, int length)
        {
            _array = array;
            _length = length;
        }

        public static ReadOnlyMemory<byte> Of(Array array) =>
            array is byte[] bytes ? bytes : new ArrayBytes(array, Buffer.ByteLength(array)).Memory;

        public override Span<byte> GetSpan() => MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(_array), _length);

        public override unsafe MemoryHandle Pin(int elementIndex = 0)
        {
            var handle = GCHandle.Alloc(_array, GCHandleType.Pinned);
            var pointer = (byte*)handle.AddrOfPinnedObject() + elementIndex;
            return new MemoryHandle(pointer, handle, this);
        }

        public override void Unpin() { }

        protected override void Dispose(bool disposing) { }
    }
}
