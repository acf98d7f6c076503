using System.Data.Common;

namespace DataJoint;

/// <summary>
/// The bytes of a binary column of the reader's current row, copied into one buffer that the rows of a fetch reuse (the
/// buffer grows to the largest value read). A codec that decodes from a span (<c>&lt;blob&gt;</c>) reads them there
/// instead of from a new array per value.
/// </summary>
internal sealed class ColumnBytes
{
    private byte[] _buffer = [];

    /// <summary>The non-null value of binary column <paramref name="ordinal"/>, valid until the next read.</summary>
    public ReadOnlySpan<byte> Read(DbDataReader reader, int ordinal)
    {
        var length = checked((int)reader.GetBytes(ordinal, 0, null, 0, 0));
        if (length > _buffer.Length) _buffer = new byte[Math.Max(length, (int)Math.Min(2L * _buffer.Length, Array.MaxLength))];
        var read = (int)reader.GetBytes(ordinal, 0, _buffer, 0, length);
        return _buffer.AsSpan(0, read);
    }
}
