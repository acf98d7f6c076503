using System.Text.Json;
using DataJoint.Hdf5;
using DataJoint.Stores;
using PureHDF;
using DataJoint.Tests.Tools;

namespace DataJoint.Plugins.Tests;

/// <summary>&lt;hdf5@&gt;: HDF5 files written with PureHDF, stored whole, listed in the column, read back lazily; h5dump reads them.</summary>
public class Hdf5CodecTests : PluginStoreTest
{
    private EncodeContext Ctx => new()
    {
        Schema = "lab", Table = "session", Attribute = "ephys", Stores = Stores,
        PrimaryKey = new Dictionary<string, object?> { ["subject"] = "m1", ["session"] = 3 },
    };

    /// <summary>A small NWB-flavoured file: root attributes, a group, a 2-D trace and its timestamps.</summary>
    internal static H5File Recording() => new()
    {
        Attributes = new()
        {
            ["session_description"] = "visual stimulation, 2 channels",
            ["nwb_version"] = "2.7.0",
            ["sampling_rate"] = 30000.0,
        },
        ["acquisition"] = new H5Group
        {
            ["trace"] = new double[,] { { 0.5, -1.25, 2.0 }, { 3.5, 4.0, -0.75 } },
            ["timestamps"] = new long[] { 0, 33, 67 },
            Attributes = new() { ["unit"] = "mV" },
        },
    };

    [Test]
    public async Task File_IsStoredAtItsSchemaPath_AndTheColumnListsItsDatasets()
    {
        var chain = Codecs.Resolve("<hdf5@main>");
        var json = (string)(await chain.EncodeAsync(Recording(), Ctx))!;
        var column = JsonDocument.Parse(json).RootElement;
        Assert.That(column.GetProperty("path").GetString(), Does.Match(@"^_schema/lab/session/subject=m1/session=3/ephys_[A-Za-z0-9_-]{8}\.h5$"));
        Assert.That(column.GetProperty("ext").GetString(), Is.EqualTo(".h5"));
        Assert.That(column.GetProperty("size").GetInt64(), Is.GreaterThan(0));

        using var h5 = (Hdf5Ref)(await chain.DecodeAsync(json, new DecodeContext { Stores = Stores }))!;
        Assert.That(h5.Datasets.Select(d => (d.Name, string.Join("x", d.Shape), d.Dtype)),
            Is.EquivalentTo(new[] { ("/acquisition/trace", "2x3", "float64"), ("/acquisition/timestamps", "3", "int64") }));
        Assert.That(h5.Attributes["session_description"]!.GetValue<string>(), Is.EqualTo("visual stimulation, 2 channels"));
        Assert.That(h5.Attributes["sampling_rate"]!.GetValue<double>(), Is.EqualTo(30000.0));
        Assert.That(Store.Reads, Is.Empty, "the listing needs no download");

        Assert.That(await h5.ReadAsync<double[,]>("/acquisition/trace"), Is.EqualTo(new double[,] { { 0.5, -1.25, 2.0 }, { 3.5, 4.0, -0.75 } }));
        Assert.That(await h5.ReadAsync<long[]>("acquisition/timestamps"), Is.EqualTo(new long[] { 0, 33, 67 }));
        using (var file = await h5.OpenAsync())
            Assert.That(file.Group("acquisition").Attribute("unit").Read<string>(), Is.EqualTo("mV"));
        Assert.That(Store.Reads, Has.Count.EqualTo(1), "downloaded once for all reads");
        var e = await Assert.ThrowsAsync<DataJointException>(async () => await h5.ReadAsync<double[]>("/nope"));
        Assert.That(e!.Message, Does.Contain("has no dataset '/nope' (datasets: /acquisition/"));
    }

    [Test]
    public async Task StoredFile_IsReadByTheHdfGroupsH5dump()
    {
        var json = (string)(await Codecs.Resolve("<hdf5@main>").EncodeAsync(Recording(), Ctx))!;
        var file = Path.Combine(Store.Folder, JsonDocument.Parse(json).RootElement.GetProperty("path").GetString()!);
        var dump = ExternalTool.RunText("h5dump", "-d", "/acquisition/trace", file);
        Assert.That(dump, Does.Contain("DATATYPE  H5T_IEEE_F64LE"));
        Assert.That(dump, Does.Contain("DATASPACE  SIMPLE { ( 2, 3 ) / ( 2, 3 ) }"));
        Assert.That(dump, Does.Match(@"\(0,0\): 0\.5, -1\.25, 2,\s+\(1,0\): 3\.5, 4, -0\.75"));
        var attrs = ExternalTool.RunText("h5dump", "-a", "/session_description", file);
        Assert.That(attrs, Does.Contain("\"visual stimulation, 2 channels\""));
    }

    [Test]
    public async Task AnExistingHdf5File_IsUploadedAsIs_KeepingItsExtension()
    {
        var local = Path.Combine(Path.GetTempPath(), $"djnet-test-{Guid.NewGuid():N}.nwb");
        Recording().Write(local);
        try
        {
            var json = (string)(await Codecs.Resolve("<hdf5@main>").EncodeAsync(local, Ctx))!;
            var path = JsonDocument.Parse(json).RootElement.GetProperty("path").GetString()!;
            Assert.That(path, Does.EndWith(".nwb"));
            Assert.That(await File.ReadAllBytesAsync(Path.Combine(Store.Folder, path)), Is.EqualTo(await File.ReadAllBytesAsync(local)));
        }
        finally
        {
            File.Delete(local);
        }
    }

    [Test]
    public async Task NotHdf5_OrMissing_OrInTable_IsRefusedWithAClearMessage()
    {
        var text = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(text, "not hdf5");
            var chain = Codecs.Resolve("<hdf5@main>");
            var e = await Assert.ThrowsAsync<CodecException>(async () => await chain.EncodeAsync(text, Ctx));
            Assert.That(e!.InnerException!.Message, Is.EqualTo($"<hdf5>: {text} is not an HDF5 file (no HDF5 signature at offset 0, 512, 1024...)."));
            e = await Assert.ThrowsAsync<CodecException>(async () => await chain.EncodeAsync("/no/such.h5", Ctx));
            Assert.That(e!.InnerException!.Message, Is.EqualTo("<hdf5>: file not found: /no/such.h5"));
            Assert.That(Assert.Throws<DataJointException>(() => Codecs.Resolve("<hdf5>"))!.Message, Is.EqualTo("<hdf5> requires @ (store only)"));
            Assert.That(Store.Puts, Is.Empty);
        }
        finally
        {
            File.Delete(text);
        }
    }
}
