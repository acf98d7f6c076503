using System.Buffers.Binary;
using DataJoint.Stores;
using DataJoint.Tests.Tools;
using Samples.Cookbook;

namespace DataJoint.Samples.Tests;

/// <summary>The CodecCookbook sample: each recipe's codec on its own, then the whole program against the services.</summary>
public class CookbookTests
{
    private static readonly EncodeContext Ctx = new() { Schema = "lab", Table = "scan", Attribute = "anatomy" };

    private static Volume Oblique(bool flipped)
    {
        var voxels = new float[5, 4, 3];
        for (var i = 0; i < 5; i++) for (var j = 0; j < 4; j++) for (var k = 0; k < 3; k++) voxels[i, j, k] = 100 * i + 10 * j + k + 0.5f;
        var c = Math.Cos(Math.PI / 6);
        var s = Math.Sin(Math.PI / 6);
        var z = flipped ? -1 : 1;
        return new Volume(voxels, (0.75, 0.8, 2.5), (-12.5, 30, 7), new double[,] { { c, -s, 0 }, { s, c, 0 }, { 0, 0, z } });
    }

    private static async Task<byte[]> NiftiBytes(Volume v) => (byte[])(await Codecs.Resolve("<nifti>").EncodeAsync(v, Ctx))!;

    [Test]
    public async Task Nifti_HeaderFields_AreWhereTheNifti1SpecPutsThem()
    {
        var b = await NiftiBytes(Oblique(flipped: false));
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(b), Is.EqualTo(348), "sizeof_hdr");
        Assert.That(b.AsSpan(344, 4).ToArray(), Is.EqualTo("n+1\0"u8.ToArray()), "magic: single-file NIfTI-1");
        Assert.That(Enumerable.Range(0, 4).Select(i => BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(40 + 2 * i))), Is.EqualTo(new short[] { 3, 5, 4, 3 }), "dim");
        Assert.That(BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(70)), Is.EqualTo(16), "datatype FLOAT32");
        Assert.That(BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(72)), Is.EqualTo(32), "bitpix");
        Assert.That(Enumerable.Range(0, 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(76 + 4 * i))), Is.EqualTo(new[] { 1f, 0.75f, 0.8f, 2.5f }), "pixdim (qfac, spacing)");
        Assert.That(BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(108)), Is.EqualTo(352f), "vox_offset");
        Assert.That(b[123], Is.EqualTo(2), "xyzt_units = mm");
        Assert.That((BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(252)), BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(254))), Is.EqualTo(((short)1, (short)1)), "qform/sform codes");
        // quaternion of a 30° rotation about z: (b, c, d) = (0, 0, sin 15°)
        Assert.That(BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(264)), Is.EqualTo((float)Math.Sin(Math.PI / 12)).Within(1e-6));
        // srow_x = (cos30·0.75, −sin30·0.8, 0, −12.5)
        Assert.That(Enumerable.Range(0, 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(280 + 4 * i))),
            Is.EqualTo(new[] { (float)(Math.Cos(Math.PI / 6) * 0.75), -0.4f, 0f, -12.5f }).Within(1e-6));
        // voxel (i=1, j=2, k=1) sits at offset 352 + 4·(1 + 5·(2 + 4·1)): i varies fastest on disk
        Assert.That(BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(352 + 4 * (1 + 5 * (2 + 4 * 1)))), Is.EqualTo(121.5f));
        Assert.That(b, Has.Length.EqualTo(352 + 5 * 4 * 3 * 4));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Nifti_RoundTrips_VoxelsAndGeometry(bool flipped)
    {
        var v = Oblique(flipped);
        var back = (Volume)(await Codecs.Resolve("<nifti>").DecodeAsync(await NiftiBytes(v), new DecodeContext()))!;
        Assert.That(back.Voxels, Is.EqualTo(v.Voxels));
        Assert.That(new[] { back.Spacing.X, back.Spacing.Y, back.Spacing.Z }, Is.EqualTo(new[] { 0.75, 0.8, 2.5 }).Within(1e-6));
        Assert.That(new[] { back.Origin.X, back.Origin.Y, back.Origin.Z }, Is.EqualTo(new[] { -12.5, 30, 7 }).Within(1e-6));
        Assert.That(back.Direction, Is.EqualTo(v.Direction).Within(1e-6));
    }

    [Test]
    public async Task Nifti_File_IsValidForNiftiTool_WithTheVoxelValuesAndAffine()
    {
        var file = Path.Combine(Path.GetTempPath(), $"djnet-{Guid.NewGuid():N}.nii");
        await File.WriteAllBytesAsync(file, await NiftiBytes(Oblique(flipped: true)));
        try
        {
            var check = ExternalTool.RunText("nifti_tool", "-check_hdr", "-check_nim", "-infiles", file);
            Assert.That(check, Does.Contain("header IS GOOD").And.Contain("nifti_image IS GOOD"), check);
            var value = ExternalTool.RunText("nifti_tool", "-disp_ci", "1", "2", "1", "-1", "-1", "-1", "-1", "-infiles", file);
            Assert.That(value, Does.Contain("121.5"), value);
            var fields = ExternalTool.RunText("nifti_tool", "-disp_hdr", "-field", "dim", "-field", "pixdim", "-field", "srow_z", "-infiles", file);
            Assert.That(fields, Does.Match(@"dim\s+40\s+8\s+3 5 4 3 1 1 1 1"), fields);
            Assert.That(fields, Does.Match(@"pixdim\s+76\s+8\s+-1(\.0+)? 0\.75 0\.8 2\.5"), fields);
            Assert.That(fields, Does.Match(@"srow_z\s+312\s+4\s+0(\.0+)? 0(\.0+)? -2\.5 7"), fields);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task Nifti_RefusesBadGeometry_SayingWhatIsWrong()
    {
        var chain = Codecs.Resolve("<nifti>");
        var skewed = new Volume(new float[2, 2, 2], (1, 1, 1), (0, 0, 0), new double[,] { { 1, 0.5, 0 }, { 0, 1, 0 }, { 0, 0, 1 } });
        Assert.That((await Assert.ThrowsAsync<CodecException>(async () => await chain.EncodeAsync(skewed, Ctx)))!.InnerException!.Message,
            Is.EqualTo("<nifti>: the direction matrix must be orthonormal (columns 0 and 1 have dot product 0.5)."));
        var flat = Volume.Axial(new float[2, 2, 2], (1, 0, 1), (0, 0, 0));
        Assert.That((await Assert.ThrowsAsync<CodecException>(async () => await chain.EncodeAsync(flat, Ctx)))!.InnerException!.Message,
            Is.EqualTo("<nifti>: voxel spacing must be positive, got (1, 0, 1) mm."));
    }

    [Test]
    public void Nifti_ChainsPerStorageMode()
    {
        Assert.That(Codecs.Resolve("<nifti>").FinalType, Is.EqualTo("bytes"));
        var store = Codecs.Resolve("<nifti@main>");
        Assert.That(store.Links.Select(l => l.Descriptor.Name), Is.EqualTo(new[] { "nifti", "hash" }));
        Assert.That(store.FinalType, Is.EqualTo("json"));
    }

    [TestCase(new[] { 0.1, 0.3, 0.25 }, new[] { 0, 1, 0 }, 10.0, "<spikes>: spike 2 at t=0.25 s comes before spike 1 at t=0.3 s; sort the times ascending.")]
    [TestCase(new[] { 0.1, 11.0 }, new[] { 0, 1 }, 10.0, "<spikes>: spike 1 at t=11 s lies outside the recording (0 to 10 s).")]
    [TestCase(new[] { 0.1, double.NaN }, new[] { 0, 1 }, 10.0, "<spikes>: spike 1 has time NaN; spike times must be finite.")]
    [TestCase(new[] { 0.1 }, new[] { 0, 1 }, 10.0, "<spikes>: 1 spike times but 2 unit labels; give one unit per spike.")]
    [TestCase(new[] { 0.1 }, new[] { -3 }, 10.0, "<spikes>: spike 0 has unit -3; unit ids are 0 or greater.")]
    [TestCase(new[] { 0.1 }, new[] { 0 }, 0.0, "<spikes>: the recording duration must be a positive number of seconds, got 0.")]
    public async Task Spikes_StrictValidation_NamesTheSpikeAndTheRule(double[] times, int[] units, double duration, string message)
    {
        var e = await Assert.ThrowsAsync<CodecException>(async () =>
            await Codecs.Resolve("<spikes>").EncodeAsync(new SpikeTrain(times, units, duration), Ctx));
        Assert.That(e!.InnerException!.Message, Is.EqualTo(message));
        Assert.That(e.Message, Does.EndWith("codec <spikes> rejected a value of type Samples.Cookbook.SpikeTrain: " + message));
    }

    [Test]
    public void Spikes_IsInTableOnly()
    {
        var e = Assert.Throws<DataJointException>(() => Codecs.Resolve("<spikes@main>"));
        Assert.That(e!.Message, Is.EqualTo("<spikes> is in-table only (spike trains are small); store raw voltage traces with <zarr@> or <blob@>"));
    }

    [Test]
    public async Task Trace_WritesVersion2_ReadsVersions1And2_AndRefusesNewer()
    {
        var chain = Codecs.Resolve("<trace>");
        var v2 = (byte[])(await chain.EncodeAsync(new Trace([1.5f, -2f], 250, "mV"), Ctx))!;
        var dict = Blob.UnpackDictionary(v2);
        Assert.That(dict.Keys, Is.EqualTo(new[] { "version", "samples", "rate_hz", "unit" }));
        Assert.That(dict["version"], Is.EqualTo(2L));
        var back = (Trace)(await chain.DecodeAsync(v2, new DecodeContext()))!;
        Assert.That((back.Samples, back.RateHz, back.Unit), Is.EqualTo((new[] { 1.5f, -2f }, 250.0, "mV")));

        var v1 = Blob.Pack(new Dictionary<string, object?> { ["samples"] = new[] { 1.0, 2.0 }, ["rate"] = 500.0 });
        var old = (Trace)(await chain.DecodeAsync(v1, new DecodeContext()))!;
        Assert.That((old.Samples, old.RateHz, old.Unit), Is.EqualTo((new[] { 1f, 2f }, 500.0, "uV")));

        var v3 = Blob.Pack(new Dictionary<string, object?> { ["version"] = 3, ["samples"] = new float[1] });
        var e = await Assert.ThrowsAsync<CodecException>(async () => await chain.DecodeAsync(v3, new DecodeContext { Table = "ephys", Attribute = "lfp" }));
        Assert.That((e!.Table, e.Attribute, e.Codec, e.Operation), Is.EqualTo(("ephys", "lfp", "trace", CodecOperation.Decode)));
        Assert.That(e.InnerException!.Message, Is.EqualTo("<trace> in ephys.lfp was written with encoding version 3; this codec reads versions 1 to 2. Update the package that defines <trace>."));
    }

    [Test]
    public async Task Bam_UploadsTheFileAsIs_AndFetchIsLazy()
    {
        var folder = Directory.CreateTempSubdirectory("djnet-bam-").FullName;
        var local = Path.Combine(folder, "in.bam");
        var bytes = BamHeader.Write("@HD\tVN:1.6\n@SQ\tSN:chr2\tLN:1000\n", [new BamReference("chr2", 1000)]);
        await File.WriteAllBytesAsync(local, bytes);
        Directory.CreateDirectory(Path.Combine(folder, "store"));
        using var stores = new StoreProvider([new LocalObjectStore(StoreSpec.LocalFolder("main", Path.Combine(folder, "store")))], "main");
        try
        {
            var chain = Codecs.Resolve("<bam@main>");
            var json = await chain.EncodeAsync(BamFile.Local(local), Ctx with { Stores = stores, Table = "sequencing", Attribute = "reads" });
            var bam = (BamFile)(await chain.DecodeAsync(json, new DecodeContext { Stores = stores }))!;
            Assert.That(bam.References, Is.EqualTo(new[] { new BamReference("chr2", 1000) }));
            Assert.That(bam.Stored!.Path, Does.Match(@"^_schema/lab/sequencing/reads_[\w-]{8}\.bam$"));
            Assert.That(await bam.Stored.ReadAllBytesAsync(), Is.EqualTo(bytes), "stored byte for byte");
            Assert.That(await bam.ReadHeaderTextAsync(), Is.EqualTo("@HD\tVN:1.6\n@SQ\tSN:chr2\tLN:1000\n"));
            // The header parser reads what the SAM/BAM spec writes: check the gzip members decode as one stream.
            Assert.That(ExternalTool.Run("zstd", ["-d", "-q", "-c", "--format=gzip"], bytes).AsSpan(0, 4).ToArray(), Is.EqualTo("BAM\u0001"u8.ToArray()));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task Bam_RefusesFilesThatAreNotBam()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "@HD\tVN:1.6\n");   // SAM text, not BAM
        try
        {
            var e = await Assert.ThrowsAsync<CodecException>(async () => await Codecs.Resolve("<bam@main>").EncodeAsync(BamFile.Local(file), Ctx));
            Assert.That(e!.InnerException!.Message, Is.EqualTo($"<bam>: {file} is not a BAM file (no BGZF block at its start)."));
            e = await Assert.ThrowsAsync<CodecException>(async () => await Codecs.Resolve("<bam@main>").EncodeAsync(BamFile.Local("/no/such.bam"), Ctx));
            Assert.That(e!.InnerException!.Message, Is.EqualTo("<bam>: file not found: /no/such.bam"));
            Assert.That(Assert.Throws<DataJointException>(() => Codecs.Resolve("<bam>"))!.Message,
                Is.EqualTo("<bam> requires @: BAM files live in an object store (write <bam@> or <bam@store>)"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task Sample_RunsAgainstTheServices_AndPrintsEveryRecipe(CancellationToken ct)
    {
        var output = await SampleRunner.RunAsync(typeof(NiftiCodec).Assembly, ct);
        Assert.That(output, Does.Contain("cookbook codecs: bam, nifti, spikes, trace"));
        Assert.That(output, Does.Contain("<nifti> in table: 4x3x2 voxels, spacing (0.5, 0.5, 2), origin (-10, 20, 5), voxel[3,2,1] = 321, axis i along (0, 1, 0)"));
        Assert.That(output, Does.Contain("<nifti@main> in store: voxel[3,2,1] = 321"));
        Assert.That(output, Does.Match(@"<bam@main>: 147 bytes at _schema/djnet_test_codeccookbook_\w+/sequencing/subject_id=m1/run=1/reads_[\w-]{8}\.bam; references chr1 \(248956422 bp\), chrM \(16569 bp\) \(nothing downloaded\)"));
        Assert.That(output, Does.Contain("<bam@main> header read from the store: 3 lines, first '@HD VN:1.6 SO:coordinate'"));
        Assert.That(output, Does.Match(@"<spikes> refused: Attribute 'spikes' of table `djnet_test_codeccookbook_\w+`\.`ephys`: codec <spikes> rejected a value of type Samples\.Cookbook\.SpikeTrain: " +
                                       @"<spikes>: spike 2 at t=0\.25 s comes before spike 1 at t=0\.3 s; sort the times ascending\."));
        Assert.That(output, Does.Contain("<spikes>: 1 row after the refused insert; units 0,0,1"));
        Assert.That(output, Does.Contain("<trace> session 1: 3 samples at 1000 Hz in uV, first 0.5"));
        Assert.That(output, Does.Contain("<trace> session 2: 3 samples at 500 Hz in uV, first 1"));
        Assert.That(output, Does.EndWith("cookbook done\n"));
    }
}
