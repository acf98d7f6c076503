using System.Buffers.Binary;
using BlobApi = DataJoint.Blob;

namespace DataJoint.Runtime.Tests.Blob;

/// <summary>MATLAB sparse matrices (P), hand-built from the mym layout (spec §7.3; no vector exists).</summary>
[TestFixture]
public class BlobSparseTests
{
    private static byte[] Sparse(ulong rows, ulong cols, uint cls, bool complex, ulong[] jc, ulong[] ir, byte[] values)
    {
        var bytes = new List<byte>("mYm\0P"u8.ToArray());
        void U64(ulong v) { var b = new byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); bytes.AddRange(b); }
        void U32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); bytes.AddRange(b); }
        U64(rows); U64(cols); U64((ulong)ir.Length); U32(cls); U32(complex ? 1u : 0u);
        foreach (var j in jc) U64(j);
        foreach (var i in ir) U64(i);
        bytes.AddRange(values);
        return [.. bytes];
    }

    private static byte[] Doubles(params double[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    [Test]
    public void A_double_sparse_matrix_decodes_densifies_and_reencodes_identically()
    {
        // [[1 0]; [0 2]; [0 0]]
        byte[] bytes = Sparse(3, 2, 6, false, [0, 1, 2], [0, 1], Doubles(1, 2));
        var m = (SparseMatrix)BlobApi.Unpack(bytes)!;
        Assert.That((m.Rows, m.Columns, m.NonZeroCount, m.Class), Is.EqualTo((3, 2, 2, BlobClass.Double)));
        Assert.That(m.RowIndices, Is.EqualTo(new long[] { 0, 1 }));
        var dense = (BlobArray<double>)m.ToDense();
        Assert.That(dense.Shape, Is.EqualTo(new[] { 3, 2 }));
        Assert.That(dense.ToArray2D(), Is.EqualTo(new double[,] { { 1, 0 }, { 0, 2 }, { 0, 0 } }));
        Assert.That(BlobApi.Pack(m, compress: false), Is.EqualTo(bytes));
    }

    [Test]
    public void Complex_and_padded_and_logical_sparse_matrices_round_trip()
    {
        // 2x2 complex with one padding slot (nzmax 3 > jc[2] = 2).
        byte[] complex = Sparse(2, 2, 6, true, [0, 1, 2], [1, 0, 0], Doubles(1, 2, 0, -1, -0.0, 0));
        var c = (SparseMatrix)BlobApi.Unpack(complex)!;
        Assert.That(c.Imaginary, Is.EqualTo(new[] { -1.0, 0.0, 0.0 }));
        var dense = (BlobArray<double>)c.ToDense();
        Assert.That(dense.Data, Is.EqualTo(new[] { 0.0, 1.0, 2.0, 0.0 }));
        Assert.That(dense.Imaginary, Is.EqualTo(new[] { 0.0, -1.0, 0.0, 0.0 }));
        Assert.That(BlobApi.Pack(c, compress: false), Is.EqualTo(complex));

        byte[] logical = Sparse(1, 3, 3, false, [0, 0, 1, 1], [0], [1]);
        var l = (SparseMatrix)BlobApi.Unpack(logical)!;
        Assert.That(((BlobArray<bool>)l.ToDense()).Data, Is.EqualTo(new[] { false, true, false }));
        Assert.That(BlobApi.Pack(l, compress: false), Is.EqualTo(logical));
        Assert.That(BlobApi.Pack(new MatCell([l])).AsSpan(0, 4).SequenceEqual("mYm\0"u8), Is.True, "sparse is MATLAB-compatible");
    }

    [Test]
    public void Inconsistent_or_truncated_sparse_matrices_are_refused()
    {
        var ex = Assert.Throws<DataJointException>(() => BlobApi.Unpack(Sparse(3, 2, 6, false, [0, 2, 1], [0, 1], Doubles(1, 2))));
        Assert.That(ex!.Message, Does.Contain("jc must not decrease"));
        ex = Assert.Throws<DataJointException>(() => BlobApi.Unpack(Sparse(3, 2, 6, false, [0, 1, 2], [0, 3], Doubles(1, 2))));
        Assert.That(ex!.Message, Does.Contain("row index 3"));
        ex = Assert.Throws<DataJointException>(() => BlobApi.Unpack(Sparse(3, 2, 9, false, [0, 1, 2], [0, 1], [1, 2])));
        Assert.That(ex!.Message, Does.Contain("sparse class 6 (double) or 3 (logical)"));
        byte[] huge = Sparse(3, 2, 6, false, [0, 1, 2], [0, 1], Doubles(1, 2));
        BinaryPrimitives.WriteUInt64LittleEndian(huge.AsSpan(5 + 16), 1UL << 40);
        ex = Assert.Throws<DataJointException>(() => BlobApi.Unpack(huge));
        Assert.That(ex!.Message, Does.Contain("fit in the remaining bytes"));
        byte[] ok = Sparse(3, 2, 6, false, [0, 1, 2], [0, 1], Doubles(1, 2));
        int rejected = 0;
        for (int len = 0; len < ok.Length; len++)
        {
            Assert.Throws<DataJointException>(() => BlobApi.Unpack(ok.AsSpan(0, len)));
            rejected++;
        }
        Assert.That(rejected, Is.EqualTo(ok.Length));
    }
}
