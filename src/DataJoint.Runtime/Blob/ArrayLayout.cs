namespace DataJoint;

/// <summary>
/// Element order of N-d arrays: blobs hold column-major (MATLAB/Fortran) order, numpy data and .NET multi-dimensional
/// arrays row-major (C) order. Shared by <see cref="BlobArray{T}"/>, <see cref="MatCell"/>, <see cref="MatStruct"/> and
/// the blob writer. The BCL has no transpose of an N-d layout, so the index walk is written here.
/// </summary>
internal static class ArrayLayout
{
    /// <summary>Converts between row-major and column-major layouts of the same shape.</summary>
    public static void Reorder<T>(ReadOnlySpan<T> src, Span<T> dest, int[] shape, bool toColumnMajor)
    {
        int rank = shape.Length;
        if (rank <= 1 || src.Length <= 1)
        {
            src.CopyTo(dest);
            return;
        }
        if (rank == 2)
        {
            int rows = shape[0], cols = shape[1];
            if (toColumnMajor)
            {
                for (int i = 0; i < rows; i++)
                    for (int j = 0; j < cols; j++)
                        dest[i + rows * j] = src[i * cols + j];
            }
            else
            {
                for (int j = 0; j < cols; j++)
                    for (int i = 0; i < rows; i++)
                        dest[i * cols + j] = src[i + rows * j];
            }
            return;
        }
        // General rank: walk the column-major index, tracking the row-major offset.
        var rowStride = new int[rank];
        rowStride[rank - 1] = 1;
        for (int d = rank - 2; d >= 0; d--) rowStride[d] = rowStride[d + 1] * shape[d + 1];
        var idx = new int[rank];
        int rowOffset = 0;
        for (int c = 0; c < src.Length; c++)
        {
            if (toColumnMajor) dest[c] = src[rowOffset];
            else dest[rowOffset] = src[c];
            for (int d = 0; d < rank; d++)
            {
                idx[d]++;
                rowOffset += rowStride[d];
                if (idx[d] < shape[d]) break;
                rowOffset -= rowStride[d] * shape[d];
                idx[d] = 0;
            }
        }
    }

    /// <summary>A new array with <paramref name="rowMajor"/>'s elements in column-major order.</summary>
    public static T[] ToColumnMajor<T>(T[] rowMajor, int[] shape)
    {
        var result = new T[rowMajor.Length];
        Reorder<T>(rowMajor, result, shape, toColumnMajor: true);
        return result;
    }

    /// <summary>The shape of a .NET array (one length per dimension).</summary>
    public static int[] ShapeOf(Array values)
    {
        var shape = new int[values.Rank];
        for (int d = 0; d < shape.Length; d++) shape[d] = values.GetLength(d);
        return shape;
    }

    /// <summary>The elements of a .NET array of any rank in its own (row-major) order.</summary>
    public static T[] Flatten<T>(Array values)
    {
        var items = new T[values.Length];
        int k = 0;
        foreach (var item in values) items[k++] = (T)item!;
        return items;
    }

    /// <summary>Column-major flat index of a multi-index into <paramref name="shape"/>.</summary>
    public static int ColumnMajorIndex(int[] shape, int[] index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.Length != shape.Length)
            throw new ArgumentException($"Expected {shape.Length} indices, got {index.Length}.", nameof(index));
        int flat = 0, stride = 1;
        for (int d = 0; d < index.Length; d++)
        {
            if ((uint)index[d] >= (uint)shape[d])
                throw new IndexOutOfRangeException($"Index {index[d]} is outside dimension {d} of size {shape[d]}.");
            flat += index[d] * stride;
            stride *= shape[d];
        }
        return flat;
    }

    /// <summary>
    /// A MATLAB shape given by a caller: at least one dimension (MATLAB has no 0-d values), none negative, holding
    /// <paramref name="elements"/> elements. <paramref name="what"/> names the value for the message.
    /// </summary>
    public static int[] CheckMatlabShape(int[] shape, int elements, string what)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0)
            throw new ArgumentException(
                $"A {what} has at least one dimension (MATLAB has no 0-d values): give its shape, e.g. 1, {elements} for a row, or leave the shape out for 1×{elements}.",
                nameof(shape));
        var copy = (int[])shape.Clone();
        if (BlobArray.Product(copy) != elements)
            throw new ArgumentException($"The shape [{string.Join(", ", copy)}] holds {BlobArray.Product(copy)} elements but the {what} has {elements}.", nameof(shape));
        return copy;
    }
}
