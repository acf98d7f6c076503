// CodecCookbook: the recipes of docs/codecs.md ("Write your own codec") as one program.
//  * <nifti>  MedicalImage.cs — a 3-D volume with spacing/origin/direction as a real NIfTI-1 file; in-table and in-store
//  * <bam@>   Bam.cs          — a store-only file codec returning a lazy reference; in-table use is a compile error
//  * <spikes> SpikeTrain.cs   — in-table only, with strict validation and helpful messages
//  * <trace>  Trace.cs        — a versioned encoding whose decoder reads the old and the new payload
//  (the chained codec <cgraph> → <graph> is in samples/GraphPipeline)
// Run: bash scripts/run-samples.sh   (every sample), or: dotnet run --project samples/CodecCookbook after
//      eval "$(bash scripts/services.sh)". The sample owns its demo schema (DJ_SAMPLE_SCHEMA, default djnet_codec_cookbook).
using DataJoint;
using DataJoint.Stores;
using Samples.Cookbook;

var connection = DataJointConnection.FromEnvironment();
using var stores = StoreProvider.FromEnvironment();
var schemaName = Environment.GetEnvironmentVariable("DJ_SAMPLE_SCHEMA") ?? "djnet_codec_cookbook";
await (await Schema.ActivateAsync(connection, schemaName, stores: stores)).DropAsync(new SchemaDropOptions { Safemode = false });   // a fresh demo schema, no prompt
var lab = await Schema.ActivateAsync(connection, schemaName, stores: stores);
Console.WriteLine($"schema `{schemaName}`; cookbook codecs: {string.Join(", ", Codecs.List().Where(c => c is "bam" or "nifti" or "spikes" or "trace"))}");

var subjects = await Subject.TableAsync(lab);
await subjects.InsertAsync([new Subject.Row { SubjectId = "m1", Species = "mouse" }]);

// 1. <nifti>: both storage modes of one codec.
var scans = await Scan.TableAsync(lab);
var voxels = new float[4, 3, 2];
for (var i = 0; i < 4; i++) for (var j = 0; j < 3; j++) for (var k = 0; k < 2; k++) voxels[i, j, k] = 100 * i + 10 * j + k;
var rotated = new double[,] { { 0, -1, 0 }, { 1, 0, 0 }, { 0, 0, 1 } };   // voxel i runs along world +y, j along -x
var volume = new Volume(voxels, (0.5, 0.5, 2.0), (-10, 20, 5), rotated);
await scans.InsertAsync([new Scan.Row { SubjectId = "m1", ScanId = 1, Anatomy = volume, AnatomyArchive = volume }]);
var scan = await scans.Restrict(new Scan.Key { SubjectId = "m1", ScanId = 1 }).Fetch1Async();
Console.WriteLine($"<nifti> in table: {scan.Anatomy.Voxels.GetLength(0)}x{scan.Anatomy.Voxels.GetLength(1)}x{scan.Anatomy.Voxels.GetLength(2)} voxels, " +
                  $"spacing {scan.Anatomy.Spacing}, origin {scan.Anatomy.Origin}, voxel[3,2,1] = {scan.Anatomy.Voxels[3, 2, 1]}, " +
                  $"axis i along ({scan.Anatomy.Direction[0, 0]}, {scan.Anatomy.Direction[1, 0]}, {scan.Anatomy.Direction[2, 0]})");
Console.WriteLine($"<nifti@main> in store: voxel[3,2,1] = {scan.AnatomyArchive!.Voxels[3, 2, 1]} (same volume, stored under _hash/{schemaName}/)");

// 2. <bam@main>: a store-only file codec; fetch returns a lazy reference.
var sequencing = await Sequencing.TableAsync(lab);
var bamPath = Path.Combine(Path.GetTempPath(), $"cookbook-{Guid.NewGuid():N}.bam");
await File.WriteAllBytesAsync(bamPath, BamHeader.Write("@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:248956422\n@SQ\tSN:chrM\tLN:16569\n",
    [new BamReference("chr1", 248956422), new BamReference("chrM", 16569)]));
try
{
    await sequencing.InsertAsync([new Sequencing.Row { SubjectId = "m1", Run = 1, Reads = BamFile.Local(bamPath) }]);
}
finally
{
    File.Delete(bamPath);
}
var reads = await sequencing.Restrict(new Sequencing.Key { SubjectId = "m1", Run = 1 }).Fetch1Async(r => r.Reads);
Console.WriteLine($"<bam@main>: {reads.Size} bytes at {reads.Stored!.Path}; references {string.Join(", ", reads.References.Select(r => $"{r.Name} ({r.Length} bp)"))} (nothing downloaded)");
var headerText = await reads.ReadHeaderTextAsync();
Console.WriteLine($"<bam@main> header read from the store: {headerText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length} lines, first '{headerText.Split('\n')[0].Replace('\t', ' ')}'");

// 3. <spikes>: strict validation before anything is written.
var ephys = await Ephys.TableAsync(lab);
var lfp = new Trace([0.5f, 1.5f, -2.25f], 1000, "uV");
try
{
    await ephys.InsertAsync([new Ephys.Row { SubjectId = "m1", Session = 1, Spikes = new SpikeTrain([0.1, 0.3, 0.25], [0, 1, 0], 10), Lfp = lfp }]);
}
catch (CodecException e)   // names schema, table, attribute and codec; the codec's own exception is e.InnerException
{
    Console.WriteLine($"<spikes> refused: {e.Message}");
}
await ephys.InsertAsync([new Ephys.Row { SubjectId = "m1", Session = 1, Spikes = new SpikeTrain([0.1, 0.25, 0.3], [0, 0, 1], 10), Lfp = lfp }]);
Console.WriteLine($"<spikes>: {await ephys.CountAsync()} row after the refused insert; " +
                  $"units {string.Join(",", (await ephys.Restrict(new Ephys.Key { SubjectId = "m1", Session = 1 }).Fetch1Async(r => r.Spikes)).Units)}");

// 4. <trace>: a row written with encoding version 1 (say, by a colleague's older pipeline) reads back beside version 2.
var version1 = Blob.Pack(new Dictionary<string, object?> { ["samples"] = new[] { 1.0, 2.0, 4.0 }, ["rate"] = 500.0 });
var spikes = (byte[])(await Codecs.Resolve("<spikes>").EncodeAsync(new SpikeTrain([], [], 1), new EncodeContext { Schema = schemaName, Table = "ephys", Attribute = "spikes" }))!;
await using (var sql = await connection.OpenAsync())
await using (var insert = sql.CreateCommand())
{
    insert.CommandText = $"INSERT INTO `{schemaName}`.`ephys` (subject_id, session, spikes, lfp) VALUES ('m1', 2, @spikes, @lfp)";
    insert.Parameters.AddWithValue("@spikes", spikes);
    insert.Parameters.AddWithValue("@lfp", version1);
    await insert.ExecuteNonQueryAsync();
}
foreach (var row in await ephys.FetchAsync())
    Console.WriteLine($"<trace> session {row.Session}: {row.Lfp.Samples.Length} samples at {row.Lfp.RateHz} Hz in {row.Lfp.Unit}, first {row.Lfp.Samples[0]}");
Console.WriteLine("cookbook done");
