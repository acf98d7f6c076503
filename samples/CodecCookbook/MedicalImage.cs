using System.Buffers.Binary;
using System.Text;
using DataJoint;

namespace Samples.Cookbook;

/// <summary>
/// A 3-D scalar volume with its geometry in NIfTI's world space (RAS+, millimetres): voxel <c>[i, j, k]</c> lies at
/// <c>Origin + Direction · (i·Spacing.X, j·Spacing.Y, k·Spacing.Z)</c>.
/// </summary>
/// <param name="Voxels">Intensities indexed <c>[i, j, k]</c> (x, y, z).</param>
/// <param name="Spacing">Voxel size along i, j, k in mm.</param>
/// <param name="Origin">World position of voxel (0, 0, 0) in mm.</param>
/// <param name="Direction">3×3 direction cosines: column c is the world direction of voxel axis c (a rotation, or a rotation with one axis flipped).</param>
public sealed record Volume(float[,,] Voxels, (double X, double Y, double Z) Spacing, (double X, double Y, double Z) Origin, double[,] Direction)
{
    /// <summary>An axis-aligned volume (identity direction).</summary>
    public static Volume Axial(float[,,] voxels, (double, double, double) spacing, (double, double, double) origin) =>
        new(voxels, spacing, origin, new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } });
}

/// <summary>
/// <c>&lt;nifti&gt;</c> (in the table, <c>bytes</c>) and <c>&lt;nifti@store&gt;</c> (content-addressed in the store through
/// <c>&lt;hash@store&gt;</c>, so identical scans are stored once): a <see cref="Volume"/> written as a complete single-file
/// NIfTI-1 image (<c>.nii</c>: 348-byte header, float32 voxels, sform and qform set). Any NIfTI reader opens the bytes:
/// a Python colleague runs <c>nibabel.Nifti1Image.from_bytes(row["scan"])</c>; FSL, ITK, 3D Slicer and nifti_tool read
/// the same bytes saved as a <c>.nii</c> file.
/// </summary>
[Codec("nifti", InTable = "bytes", InStore = "<hash>")]
public sealed partial class NiftiCodec : Codec<Volume, byte[]>
{
    private const int HeaderSize = 348;
    private const int DataOffset = 352;            // header + the 4-byte extension flag
    private const short Float32 = 16;              // NIFTI_TYPE_FLOAT32

    protected override void Validate(Volume v)
    {
        if (v.Voxels.Length == 0) throw new DataJointException("<nifti>: the volume has no voxels.");
        if (v.Voxels.GetLength(0) > short.MaxValue || v.Voxels.GetLength(1) > short.MaxValue || v.Voxels.GetLength(2) > short.MaxValue)
            throw new DataJointException($"<nifti>: NIfTI-1 dimensions are at most {short.MaxValue} voxels per axis.");
        if (!(v.Spacing.X > 0 && v.Spacing.Y > 0 && v.Spacing.Z > 0))
            throw new DataJointException($"<nifti>: voxel spacing must be positive, got ({v.Spacing.X}, {v.Spacing.Y}, {v.Spacing.Z}) mm.");
        if (v.Direction.GetLength(0) != 3 || v.Direction.GetLength(1) != 3)
            throw new DataJointException("<nifti>: the direction matrix must be 3×3.");
        for (var c = 0; c < 3; c++)
            for (var d = c; d < 3; d++)
            {
                var dot = v.Direction[0, c] * v.Direction[0, d] + v.Direction[1, c] * v.Direction[1, d] + v.Direction[2, c] * v.Direction[2, d];
                if (Math.Abs(dot - (c == d ? 1 : 0)) > 1e-4)
                    throw new DataJointException($"<nifti>: the direction matrix must be orthonormal (columns {c} and {d} have dot product {dot:G4}).");
            }
    }

    protected override byte[] Encode(Volume v, EncodeContext ctx)
    {
        int nx = v.Voxels.GetLength(0), ny = v.Voxels.GetLength(1), nz = v.Voxels.GetLength(2);
        var bytes = new byte[DataOffset + (long)nx * ny * nz * 4];
        var h = bytes.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(h, HeaderSize);
        h[38] = (byte)'r';
        ReadOnlySpan<short> dim = [3, (short)nx, (short)ny, (short)nz, 1, 1, 1, 1];
        for (var i = 0; i < 8; i++) BinaryPrimitives.WriteInt16LittleEndian(h[(40 + 2 * i)..], dim[i]);
        BinaryPrimitives.WriteInt16LittleEndian(h[70..], Float32);
        BinaryPrimitives.WriteInt16LittleEndian(h[72..], 32);                 // bitpix

        // qform: rotation as a quaternion plus qfac (-1 when the direction flips an axis); sform: the full affine.
        var r = (double[,])v.Direction.Clone();
        var qfac = Determinant(r) < 0 ? -1.0 : 1.0;
        if (qfac < 0) for (var row = 0; row < 3; row++) r[row, 2] = -r[row, 2];
        var (b, c, d) = Quaternion(r);
        ReadOnlySpan<float> pixdim = [(float)qfac, (float)v.Spacing.X, (float)v.Spacing.Y, (float)v.Spacing.Z, 1, 1, 1, 1];
        for (var i = 0; i < 8; i++) BinaryPrimitives.WriteSingleLittleEndian(h[(76 + 4 * i)..], pixdim[i]);
        BinaryPrimitives.WriteSingleLittleEndian(h[108..], DataOffset);        // vox_offset
        BinaryPrimitives.WriteSingleLittleEndian(h[112..], 1f);                // scl_slope
        h[123] = 2;                                                             // xyzt_units: NIFTI_UNITS_MM
        Encoding.ASCII.GetBytes("DataJoint for .NET <nifti> codec", h[148..228]);
        BinaryPrimitives.WriteInt16LittleEndian(h[252..], 1);                  // qform_code: NIFTI_XFORM_SCANNER_ANAT
        BinaryPrimitives.WriteInt16LittleEndian(h[254..], 1);                  // sform_code
        BinaryPrimitives.WriteSingleLittleEndian(h[256..], (float)b);
        BinaryPrimitives.WriteSingleLittleEndian(h[260..], (float)c);
        BinaryPrimitives.WriteSingleLittleEndian(h[264..], (float)d);
        double[] origin = [v.Origin.X, v.Origin.Y, v.Origin.Z], spacing = [v.Spacing.X, v.Spacing.Y, v.Spacing.Z];
        for (var row = 0; row < 3; row++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(h[(268 + 4 * row)..], (float)origin[row]);     // qoffset
            for (var col = 0; col < 3; col++)
                BinaryPrimitives.WriteSingleLittleEndian(h[(280 + 16 * row + 4 * col)..], (float)(v.Direction[row, col] * spacing[col]));
            BinaryPrimitives.WriteSingleLittleEndian(h[(280 + 16 * row + 12)..], (float)origin[row]);
        }
        "n+1\0"u8.CopyTo(h[344..]);

        // Voxels: i varies fastest on disk (NIfTI's order), while .NET's [i, j, k] has k fastest.
        var o = DataOffset;
        for (var k = 0; k < nz; k++)
            for (var j = 0; j < ny; j++)
                for (var i = 0; i < nx; i++, o += 4)
                    BinaryPrimitives.WriteSingleLittleEndian(h[o..], v.Voxels[i, j, k]);
        return bytes;
    }

    protected override Volume Decode(byte[] stored, DecodeContext ctx)
    {
        var h = stored.AsSpan();
        if (stored.Length < DataOffset || BinaryPrimitives.ReadInt32LittleEndian(h) != HeaderSize || !h[344..348].SequenceEqual("n+1\0"u8))
            throw new DataJointException($"<nifti> in {ctx.Table}.{ctx.Attribute}: the stored bytes are not a little-endian single-file NIfTI-1 image.");
        if (BinaryPrimitives.ReadInt16LittleEndian(h[70..]) != Float32)
            throw new DataJointException($"<nifti> in {ctx.Table}.{ctx.Attribute}: only float32 images are read (datatype {BinaryPrimitives.ReadInt16LittleEndian(h[70..])}).");
        int nx = BinaryPrimitives.ReadInt16LittleEndian(h[42..]), ny = BinaryPrimitives.ReadInt16LittleEndian(h[44..]), nz = BinaryPrimitives.ReadInt16LittleEndian(h[46..]);
        var offset = (int)BinaryPrimitives.ReadSingleLittleEndian(h[108..]);
        if (offset < DataOffset || stored.Length < offset + (long)nx * ny * nz * 4)
            throw new DataJointException($"<nifti> in {ctx.Table}.{ctx.Attribute}: the image is truncated ({stored.Length} bytes for {nx}×{ny}×{nz} float32 voxels).");
        var voxels = new float[nx, ny, nz];
        var o = offset;
        for (var k = 0; k < nz; k++)
            for (var j = 0; j < ny; j++)
                for (var i = 0; i < nx; i++, o += 4)
                    voxels[i, j, k] = BinaryPrimitives.ReadSingleLittleEndian(h[o..]);

        // Geometry from the sform affine: column norms are the spacing, normalised columns the direction.
        var spacing = new double[3];
        var direction = new double[3, 3];
        var origin = new double[3];
        for (var col = 0; col < 3; col++)
        {
            var column = new double[3];
            for (var row = 0; row < 3; row++) column[row] = BinaryPrimitives.ReadSingleLittleEndian(h[(280 + 16 * row + 4 * col)..]);
            spacing[col] = Math.Sqrt(column.Sum(x => x * x));
            for (var row = 0; row < 3; row++) direction[row, col] = column[row] / spacing[col];
        }
        for (var row = 0; row < 3; row++) origin[row] = BinaryPrimitives.ReadSingleLittleEndian(h[(280 + 16 * row + 12)..]);
        return new Volume(voxels, (spacing[0], spacing[1], spacing[2]), (origin[0], origin[1], origin[2]), direction);
    }

    private static double Determinant(double[,] m) =>
        m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1]) - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0]) + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]);

    /// <summary>The (b, c, d) of the unit quaternion (a ≥ 0) of a proper rotation, as NIfTI-1 stores it.</summary>
    private static (double B, double C, double D) Quaternion(double[,] r)
    {
        var a = 1.0 + r[0, 0] + r[1, 1] + r[2, 2];
        if (a > 0.5)
        {
            a = 0.5 * Math.Sqrt(a);
            return (0.25 * (r[2, 1] - r[1, 2]) / a, 0.25 * (r[0, 2] - r[2, 0]) / a, 0.25 * (r[1, 0] - r[0, 1]) / a);
        }
        double b, c, d;
        var xd = 1.0 + r[0, 0] - (r[1, 1] + r[2, 2]);
        var yd = 1.0 + r[1, 1] - (r[0, 0] + r[2, 2]);
        var zd = 1.0 + r[2, 2] - (r[0, 0] + r[1, 1]);
        if (xd > 1.0)
        {
            b = 0.5 * Math.Sqrt(xd); c = 0.25 * (r[0, 1] + r[1, 0]) / b; d = 0.25 * (r[0, 2] + r[2, 0]) / b; a = 0.25 * (r[2, 1] - r[1, 2]) / b;
        }
        else if (yd > 1.0)
        {
            c = 0.5 * Math.Sqrt(yd); b = 0.25 * (r[0, 1] + r[1, 0]) / c; d = 0.25 * (r[1, 2] + r[2, 1]) / c; a = 0.25 * (r[0, 2] - r[2, 0]) / c;
        }
        else
        {
            d = 0.5 * Math.Sqrt(zd); b = 0.25 * (r[0, 2] + r[2, 0]) / d; c = 0.25 * (r[1, 2] + r[2, 1]) / d; a = 0.25 * (r[1, 0] - r[0, 1]) / d;
        }
        return a < 0 ? (-b, -c, -d) : (b, c, d);
    }
}
