using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using DataJoint.Stores;

namespace DataJoint.Zarr;

/// <summary>
/// An array to store through <c>&lt;zarr@&gt;</c> with explicit write options. Inserting a bare array
/// (<c>float[,,]</c>, <see cref="NpyArray"/>...) is the same as <c>new ZarrInput(array)</c>.
/// </summary>
/// <param name="Data">
/// A numeric .NET array of any rank (<c>float[]</c>, <c>double[,]</c>, <c>short[,,]</c>..., row-major = Zarr's C order), or a
/// C-order <see cref="NpyArray"/> (its <see cref="NpyArray.Shape"/> gives the shape of its flat element bytes).
/// </param>
public sealed record ZarrInput(object Data)
{
    /// <summary>The chunk shape (one length per dimension). Null: halve the longest dimension until a chunk holds at most <see cref="DefaultChunkBytes"/>.</summary>
    public int[]? ChunkShape { get; init; }

    /// <summary>The zstd level written into <c>zarr.json</c> and used for every chunk; 0 = the library default (3), as zarr-python's default.</summary>
    public int CompressionLevel { get; init; }

    /// <summary>Chunks compressed and uploaded at once (default: 4, or the core count if larger).</summary>
    public int MaxParallelism { get; init; } = Math.Max(4, Environment.ProcessorCount);

    /// <summary>User attributes written into <c>zarr.json</c> (<c>attributes</c>).</summary>
    public JsonObject? Attributes { get; init; }

    /// <summary>Default upper bound of an automatic chunk: 4 MiB of elements.</summary>
    public const long DefaultChunkBytes = 4L << 20;
}

/// <summary>The element bytes of the array being written: dtype, shape and the C-order buffer (the user's own memory, not copied).</summary>
internal sealed class ZarrSource
{
    private readonly Array _buffer;

    private ZarrSource(Array buffer, NpyDtype dtype, long[] shape)
    {
        _buffer = buffer;
        DataType = dtype;
        Shape = shape;
    }

    internal NpyDtype DataType { get; }
    internal long[] Shape { get; }

    /// <summary>The first element byte of the C-order buffer (valid until the caller returns; do not hold across awaits).</summary>
    internal ref byte Data => ref MemoryMarshal.GetArrayDataReference(_buffer);

    /// <summary>What <paramref name="value"/> holds, or a <see cref="DataJointException"/> saying what <c>&lt;zarr@&gt;</c> accepts.</summary>
    internal static ZarrSource From(object value) => value switch
    {
        ZarrInput input => From(input.Data),
        NpyArray { FortranOrder: true } => throw new DataJointException(
            "<zarr> stores C-order arrays; this NpyArray is in Fortran order (convert it with ToMultiDimensionalArray() first)."),
        NpyArray npy => new ZarrSource(npy.Data, npy.Dtype, [.. npy.Shape]),
        Array array => FromArray(array),
        _ => throw new DataJointException(
            $"<zarr> requires a numeric array (a .NET array of any rank, an NpyArray or a ZarrInput), got {value.GetType().Name}."),
    };

    private static ZarrSource FromArray(Array array)
    {
        var element = array.GetType().GetElementType()!;
        if (element == typeof(object) || element == typeof(string))
            throw new DataJointException("<zarr> does not support object dtype arrays");
        NpyDtype dtype;
        try { dtype = NpyDtype.For(element); }
        catch (DataJointException) { throw new DataJointException($"<zarr> has no Zarr data type for .NET element type {element.Name}; use bool, sbyte..ulong, Half, float, double or Complex."); }
        return new ZarrSource(array, dtype, [.. Enumerable.Range(0, array.Rank).Select(d => (long)array.GetLength(d))]);
    }
}
