// PluginCodecs: a project that uses codecs shipped as NuGet packages — DataJoint.Codecs.Zarr (<zarr@>) and
// DataJoint.Codecs.Hdf5 (<hdf5@>) — and chains its own codec (<movie@>, Movie.cs) to one of them. The generator sees
// the packages' codecs through their [assembly: CodecManifest] entries, so the definitions in Tables.cs are checked at
// compile time. A Python colleague with dj-zarr-codecs reads the <zarr@> columns (same column JSON, Zarr v3 files).
// Run: bash scripts/run-samples.sh (every sample). The sample owns its demo schema (DJ_SAMPLE_SCHEMA, default djnet_plugin_codecs).
using DataJoint;
using DataJoint.Hdf5;
using DataJoint.Stores;
using DataJoint.Zarr;
using PureHDF;
using Samples.Plugins;

var connection = DataJointConnection.FromEnvironment();
using var stores = StoreProvider.FromEnvironment();
var schemaName = Environment.GetEnvironmentVariable("DJ_SAMPLE_SCHEMA") ?? "djnet_plugin_codecs";
await (await Schema.ActivateAsync(connection, schemaName, stores: stores)).DropAsync(new SchemaDropOptions { Safemode = false });   // a fresh demo schema, no prompt
var lab = await Schema.ActivateAsync(connection, schemaName, stores: stores);
Console.WriteLine($"codecs: {string.Join(", ", Codecs.List())}");
Console.WriteLine($"<zarr> from assembly {Codecs.Get("zarr").GetType().Assembly.GetName().Name}, <hdf5> from {Codecs.Get("hdf5").GetType().Assembly.GetName().Name}");
Console.WriteLine($"chain <movie@main>: {string.Join(" > ", Codecs.Resolve("<movie@main>").Links.Select(l => l.Descriptor.Name))} -> {Codecs.Resolve("<movie@main>").FinalType}");

var sessions = await Session.TableAsync(lab);
var recordings = await Recording.TableAsync(lab);
await sessions.InsertAsync([new Session.Row { SessionId = 1, Rig = "2p-A" }]);

// A 30-frame 32x48 movie, a 1-D spectrum, and an NWB-style HDF5 file built with PureHDF.
var movie = new float[30, 32, 48];
for (var t = 0; t < 30; t++) for (var y = 0; y < 32; y++) for (var x = 0; x < 48; x++) movie[t, y, x] = t + y / 100f + x / 10000f;
var spectrum = Enumerable.Range(0, 1000).Select(i => 1.0 / (1 + i)).ToArray();
var ephys = new H5File
{
    Attributes = new() { ["session_description"] = "2p imaging with LFP", ["nwb_version"] = "2.7.0" },
    ["acquisition"] = new H5Group { ["lfp"] = new double[,] { { 0.1, 0.2, 0.3 }, { 1.1, 1.2, 1.3 } } },
};
await recordings.InsertAsync([new Recording.Row { SessionId = 1, Movie = movie, Spectrum = spectrum, Ephys = ephys }]);

var row = await recordings.Restrict(new Recording.Key { SessionId = 1 }).Fetch1Async();
var frames = (ZarrArrayRef)row.Movie;
Console.WriteLine($"<movie@main>: {frames.Dtype} [{string.Join(", ", frames.Shape)}] at {frames.Path} (shape from the column, no download)");
var metadata = await frames.GetMetadataAsync();
Console.WriteLine($"  zarr.json: chunks [{string.Join(", ", metadata.ChunkShape)}], codecs bytes+{metadata.Compressor}, attributes {metadata.Attributes.ToJsonString()}");
var frame7 = await frames.ReadAsync<float>([7, 0, 0], [1, 32, 48]);   // one frame = one chunk object
Console.WriteLine($"  frame 7: {frame7.Length} pixels, pixel (5, 12) = {frame7[5 * 48 + 12]}");

var spec = (ZarrArrayRef)row.Spectrum!;
var head = await spec.ReadAsync<double>([0], [3]);
Console.WriteLine($"<zarr@main>: {spec.Dtype} [{string.Join(", ", spec.Shape)}], first values {string.Join(", ", head.Select(v => v.ToString("G4")))}");

using var h5 = (Hdf5Ref)row.Ephys!;
Console.WriteLine($"<hdf5@main>: {h5.Size} bytes at {h5.Path}; datasets {string.Join(", ", h5.Datasets.Select(d => $"{d.Name} {d.Dtype} [{string.Join(", ", d.Shape)}]"))}; " +
                  $"session_description '{h5.Attributes["session_description"]}'");
var lfp = await h5.ReadAsync<double[,]>("/acquisition/lfp");
Console.WriteLine($"  lfp[1, 2] = {lfp[1, 2]}");
Console.WriteLine("plugins done");
