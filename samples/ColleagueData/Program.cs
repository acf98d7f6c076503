// ColleagueData: write and read a Python colleague's values exactly as numpy holds them — row-major arrays, 0-d and
// complex values, MATLAB structs, .npy files in a folder store configured in code — into a schema opened open-only.
// Run it with `bash scripts/run-samples.sh` (every sample; starts MariaDB and the S3 endpoint first).
// The sample owns its demo schema (DJ_SAMPLE_SCHEMA, default djnet_colleague_data): it starts from an empty one.
using System.Numerics;
using DataJoint;
using DataJoint.Stores;

var connection = DataJointConnection.FromEnvironment();
var schemaName = Environment.GetEnvironmentVariable("DJ_SAMPLE_SCHEMA") ?? "djnet_colleague_data";

// Stores in code, no datajoint.json: a folder store whose folder does not exist yet (created on first use because we
// say so; by default a missing folder is refused, as DataJoint Python refuses it).
var storeRoot = Path.Combine(Path.GetTempPath(), "djnet-colleague-" + Guid.NewGuid().ToString("N"), "store");
var storesConfig = new StoresConfigurationBuilder()
    .AddFolder("local", storeRoot, createLocation: true)
    .WithDefault("local")
    .Build();
Console.WriteLine("stores section for datajoint.json: " + storesConfig.ToJson(indented: false));
using var stores = new StoreProvider(storesConfig);

try
{
    // The colleague's pipeline (declared here so that the sample is self-contained; the DDL is DataJoint Python's).
    var lab = await Schema.ActivateAsync(connection, schemaName, stores: stores);
    await lab.DropAsync(new SchemaDropOptions { Safemode = false });   // a fresh demo schema each run, no prompt (its store is a new temp folder)
    lab = await Schema.ActivateAsync(connection, schemaName, stores: stores);
    await lab.DeclareAsync("Recording", TableTier.Manual, """
        # recordings analysed in numpy
        recording_id : int32
        ---
        waveform : <blob>          # np.ndarray, shape (2, 3)
        gain : <blob>              # np.complex128 scalar
        meta : <blob>              # dj.MatStruct 1x2
        spectrum : <npy@local>     # complex64 .npy
        offset : <npy@local>       # 0-d float64 .npy
        """);
    await lab.DeclareAsync("Channel", TableTier.Part, "-> master\nchannel : int16\n---\nlabel : varchar(16)", masterClassName: "Recording");

    // We join it: open-only, so nothing of the colleague's schema is ever created or altered.
    var colleague = await Schema.OpenAsync(connection, schemaName, stores);
    var recording = await colleague.OpenTableAsync("Recording");
    var channel = await colleague.OpenTableAsync("Recording.Channel");   // a part, by Master.Part (or "Channel")

    // numpy: waveform = np.array([[1., 2., 3.], [4., 5., 6.]]) — its ravel() and shape, no reordering by hand.
    var waveform = BlobArray<double>.FromRowMajor([1, 2, 3, 4, 5, 6], 2, 3);
    var gain = BlobArray<double>.Scalar(1.0, -2.0);                                   // np.complex128(1-2j), 0-d
    var meta = MatStruct.FromArray(new Dictionary<string, object?>[,]
    {
        { new() { ["probe"] = "A", ["depth"] = 120.0 }, new() { ["probe"] = "B", ["depth"] = 340.0 } },
    });
    var spectrum = NpyArray.CreateComplex([new(1, 1), new(0.5, -0.25), new(0, 2), new(-1, 0)], NpyDtype.Complex64, 2, 2);
    await recording.Insert1Async(new Dictionary<string, object?>
    {
        ["recording_id"] = 1, ["waveform"] = waveform, ["gain"] = gain, ["meta"] = meta,
        ["spectrum"] = spectrum, ["offset"] = NpyArray.Scalar(0.125),
    });
    await channel.InsertAsync(new[] { new { recording_id = 1, channel = (short)0, label = "CA1" }, new { recording_id = 1, channel = (short)1, label = "CA3" } });

    // Read back value for value.
    var row = await recording.Fetch1Async();
    var w = (BlobArray<double>)row["waveform"]!;
    Console.WriteLine($"waveform: shape ({string.Join(", ", w.Shape)}), ravel() [{string.Join(", ", w.ToRowMajor())}], w[1, 2] = {w[1, 2]}");
    var g = (BlobArray<double>)row["gain"]!;
    Console.WriteLine($"gain: {g.Rank}-d complex {g.Data[0]}{g.Imaginary![0]:+0.###;-0.###}j");
    var m = (MatStruct)row["meta"]!;
    Console.WriteLine($"meta: struct ({string.Join("x", m.Shape)}), s(1,2).probe = {m[m.IndexOf(0, 1), "probe"]}, depth {m[m.IndexOf(0, 1), "depth"]}");
    var s = await ((NpyRef)row["spectrum"]!).LoadAsync();
    var matrix = (Complex[,])s.ToMultiDimensionalArray();
    Console.WriteLine($"spectrum: {s.Dtype} ({string.Join(", ", s.Shape)}), [1, 0] = {matrix[1, 0].Real}{matrix[1, 0].Imaginary:+0.###;-0.###}j");
    var offset = await ((NpyRef)row["offset"]!).LoadAsync();
    Console.WriteLine($"offset: 0-d {offset.Dtype} = {offset.ToScalar<double>()}");
    Console.WriteLine($"channels: {string.Join(", ", (await channel.FetchAsync()).Select(r => r["label"]))}");
    Console.WriteLine($"tables: {string.Join(", ", await colleague.ListTablesAsync())}");
    Console.WriteLine("colleague data done");
}
finally
{
    Directory.Delete(Path.GetDirectoryName(storeRoot)!, recursive: true);
}
