using System.Data.Common;

namespace DataJoint;

/// <summary>
/// The bytes of a binary column of the reader's current row, copied into one buffer that the rows of a fetch reuse. A
/// codec that decodes from a span (<c>&lt;blob&gt;</c>) reads them there instead of from a new array per value. The
/// buffer grows to the largest value up to <see cref="MaxKept"/>; a larger value gets an array of its own, so what the
/// fetched rows keep referenced (their block's readers) stays small.
/// </summary>
internal sealed class ColumnBytes
{
    /// <summary>The largest buffer kept from row to row (bytes).</summary>
    internal const int MaxKept = 64 * 1024;

    private byte[] _buffer = [];

    /// <summary>The size of the buffer kept for the next rows.</summary>
    internal int Kept => _buffer.Length;

    /// <summary>The non-null value of binary column <paramref name="ordinal"/>, valid until the next read.</summary>
    public ReadOnlySpan<byte> Read(DbDataReader reader, int ordinal)
    {
        var length = checked((int)reader.GetBytes(ordinal, 0, null, 0, 0));
        var buffer = _buffer;
        if (length > buffer.Length)
        {
            buffer = new byte[length > MaxKept ? length : Math.Min(MaxKept, Math.Max(length, 2 * buffer.Length))];
            if (buffer.Length <= MaxKept) _buffer = buffer;
        }
        var read = (int)reader.GetBytes(ordinal, 0, buffer, 0, length);
        return buffer.AsSpan(0, read);
    }
}
