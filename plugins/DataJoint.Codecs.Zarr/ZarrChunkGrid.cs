using System.Runtime.CompilerServices;

namespace DataJoint.Zarr;

/// <summary>
/// Chunk-grid arithmetic of a regular grid over a C-order (row-major) array: which chunks a region touches and the copy
/// of a box between the array and a chunk buffer. Trailing dimensions that both sides span completely are folded into
/// one contiguous run, so chunks that cover whole rows (or planes) copy with one memory move.
/// </summary>
internal static class ZarrChunkGrid
{
    /// <summary>Every chunk index of <paramref name="grid"/>, in C order.</summary>
    internal static IEnumerable<long[]> AllChunks(long[] grid)
    {
        var start = new long[grid.Length];
        return ChunksOverlapping(start, grid);
    }

    /// <summary>The chunk indices from <paramref name="first"/> to <paramref name="lastExclusive"/>, in C order.</summary>
    internal static IEnumerable<long[]> ChunksOverlapping(long[] first, long[] lastExclusive)
    {
        var rank = first.Length;
        if (Enumerable.Range(0, rank).Any(d => lastExclusive[d] <= first[d])) yield break;
        var index = (long[])first.Clone();
        while (true)
        {
            yield return (long[])index.Clone();
            var d = rank - 1;
            for (; d >= 0; d--)
            {
                if (++index[d] < lastExclusive[d]) break;
                index[d] = first[d];
            }
            if (d < 0) yield break;
        }
    }

    /// <summary>
    /// Copies the box of extent <paramref name="count"/> at <paramref name="srcStart"/> of a C-order buffer of shape
    /// <paramref name="srcShape"/> to <paramref name="dstStart"/> of a C-order buffer of shape <paramref name="dstShape"/>.
    /// </summary>
    internal static void CopyBox(ref byte src, ReadOnlySpan<long> srcShape, ReadOnlySpan<long> srcStart,
        ref byte dst, ReadOnlySpan<long> dstShape, ReadOnlySpan<long> dstStart, ReadOnlySpan<long> count, int itemSize)
    {
        var rank = count.Length;
        if (rank == 0)
        {
            Unsafe.CopyBlockUnaligned(ref dst, ref src, (uint)itemSize);
            return;
        }
        foreach (var c in count) if (c == 0) return;

        // Fold the trailing dimensions both buffers span completely into the contiguous run.
        var k = rank - 1;
        long run = count[k];
        while (k > 0 && count[k] == srcShape[k] && count[k] == dstShape[k])
        {
            k--;
            run *= count[k];
        }
        Span<long> srcStride = stackalloc long[rank];
        Span<long> dstStride = stackalloc long[rank];
        srcStride[rank - 1] = dstStride[rank - 1] = 1;
        for (var d = rank - 2; d >= 0; d--)
        {
            srcStride[d] = srcStride[d + 1] * srcShape[d + 1];
            dstStride[d] = dstStride[d + 1] * dstShape[d + 1];
        }
        var runBytes = run * itemSize;
        Span<long> i = stackalloc long[Math.Max(k, 1)];
        i.Clear();
        while (true)
        {
            long s = 0, t = 0;
            for (var d = 0; d < rank; d++)
            {
                var at = d < k ? i[d] : 0;
                s += (srcStart[d] + at) * srcStride[d];
                t += (dstStart[d] + at) * dstStride[d];
            }
            Move(ref Unsafe.AddByteOffset(ref src, (nint)(s * itemSize)), ref Unsafe.AddByteOffset(ref dst, (nint)(t * itemSize)), runBytes);
            var dim = k - 1;
            for (; dim >= 0; dim--)
            {
                if (++i[dim] < count[dim]) break;
                i[dim] = 0;
            }
            if (dim < 0) return;
        }
    }

    private static void Move(ref byte from, ref byte to, long bytes)
    {
        while (bytes > 0)
        {
            var n = (uint)Math.Min(bytes, 1 << 30);
            Unsafe.CopyBlockUnaligned(ref to, ref from, n);
            from = ref Unsafe.AddByteOffset(ref from, (nint)n);
            to = ref Unsafe.AddByteOffset(ref to, (nint)n);
            bytes -= n;
        }
    }

    /// <summary>Fills <paramref name="buffer"/> with repeated <paramref name="element"/> bytes (the fill value).</summary>
    internal static void Fill(Span<byte> buffer, ReadOnlySpan<byte> element)
    {
        if (element.IndexOfAnyExcept((byte)0) < 0)
        {
            buffer.Clear();
            return;
        }
        for (var o = 0; o + element.Length <= buffer.Length; o += element.Length) element.CopyTo(buffer[o..]);
    }
}
