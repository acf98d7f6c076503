using DataJoint.Integration.Tests.Introspection;
using DataJoint.Integration.Tests.Tables;
using DataJoint.Introspection;

namespace DataJoint.Packaging.Tests;

/// <summary>
/// A Python-made schema, and a second one whose tables reference it, scaffolded to C# classes: the files compile with
/// the generator in a consumer project built against the packed DataJoint.Runtime (dotnet build, warnings as errors), an
/// unknown codec is the generator's DJ0001 naming it, and with that codec added the program reads every row of both
/// schemas through the typed API. Re-scaffolding an unchanged schema changes no file.
/// </summary>
public class ScaffoldTests : SchemaFixture
{
    protected override string Purpose => "scaffold";

    [Test]
    [CancelAfter(600_000)]
    public async Task ScaffoldedClassesCompileAndReadEveryRow(CancellationToken ct)
    {
        await LabPipeline.CreateAsync(ExecAsync, Schema.Database);
        // A second schema whose tables reference the first one's (as a Python pipeline split over two modules does).
        var recordings = await NewSchemaAsync("scaffoldrec");
        foreach (var sql in LabPipeline.RecordingStatements(recordings.Database, Schema.Database)) await ExecAsync(sql);
        var work = new DirectoryInfo(await PackageFeed.ConsumerAsync("Scaffolded", "", "", new Dictionary<string, string> { ["Program.cs"] = Program }, ct));
        try
        {
            var tables = Path.Combine(work.FullName, "Tables");
            var first = await Scaffolder.WriteAsync(await Schema.ReadCatalogAsync(ct), "Lab.Pipeline", tables, ct);
            Assert.That(first.Written.Select(Path.GetFileName), Is.EqualTo(new[] { "Species.cs", "Subject.cs", "Session.cs", "Summary.cs" }));
            var stamps = first.Written.ToDictionary(f => f, File.GetLastWriteTimeUtc);
            var again = await Scaffolder.WriteAsync(await Schema.ReadCatalogAsync(ct), "Lab.Pipeline", tables, ct);
            Assert.That(again.Written, Is.Empty, "an unchanged schema rewrites nothing");
            Assert.That(first.Written.All(f => File.GetLastWriteTimeUtc(f) == stamps[f]));

            var recordingFiles = await Scaffolder.WriteAsync(await recordings.ReadCatalogAsync(ct), "Lab.Recordings", Path.Combine(work.FullName, "Recordings"), ct);
            Assert.That(recordingFiles.Written.Select(Path.GetFileName), Is.EqualTo(new[] { "Recording.cs" }));
            var recording = File.ReadAllText(recordingFiles.Written[0]);
            Assert.That(recording, Does.Contain($"[Table(Schema = \"{recordings.Database}\", Name = \"_recording\")]\npublic partial class Recording : Imported"), "an own key attribute: the class names its existing table");
            Assert.That(recording, Does.Contain($"        -> {Schema.Database}.Session\n"), "a parent in another schema, as the generator resolves it");
            Assert.That(recording, Does.Contain($"            -> {Schema.Database}.Session.Trial\n"), "a part of another schema");

            var session = File.ReadAllText(Path.Combine(tables, "Session.cs"));
            Assert.That(session, Does.Contain($"[Table(Schema = \"{Schema.Database}\")]\npublic partial class Session : Manual"));
            Assert.That(session, Does.Contain("    [Table]\n    public partial class Trial : Part<Session>"));
            Assert.That(session, Does.Contain("            -> master\n"));

            // <zarr@> is a codec this program does not have: the build fails with the generator's diagnostic naming it.
            var (code, output) = await PackageFeed.RunAsync(work.FullName, ct, "build", "-c", "Release", "-nologo", "-clp:ErrorsOnly");
            Assert.That(code, Is.Not.Zero);
            Assert.That(output, Does.Contain("DJ0001").And.Contain("zarr").And.Contain("Summary.cs"));

            // With the codec added, the classes compile and read every row.
            File.WriteAllText(Path.Combine(work.FullName, "ZarrCodec.cs"), """
                using System.Text.Json;
                using DataJoint;

                [Codec("zarr", InStore = "json")]
                public sealed partial class ZarrCodec : Codec<string, JsonElement>
                {
                    protected override JsonElement Encode(string value, EncodeContext ctx) => JsonSerializer.SerializeToElement(value);
                    protected override string Decode(JsonElement stored, DecodeContext ctx) => stored.ToString();
                }
                """);
            (code, output) = await PackageFeed.RunAsync(work.FullName, ct, "build", "-c", "Release", "-nologo", "-clp:ErrorsOnly");
            Assert.That(code, Is.Zero, output);
            (code, output) = await PackageFeed.RunAsync(work.FullName, ct, "run", "-c", "Release", "--no-build", "--", Schema.Database, recordings.Database);
            Assert.That(code, Is.Zero, output);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.That(lines, Has.Length.EqualTo(1 + 2 + 2 + 2 + 2 + 2 + 1), output);
            Assert.That(lines[0], Does.Contain("SubjectId = 1").And.Contain("SessionIdx = 1").And.Contain("RecId = 7").And.Contain("Rig = rig-2"));
            Assert.That(lines[1..3], Has.All.Contain("RecId = 7").And.All.Contain("SessionIdx = 1"));
            Assert.That(output, Does.Contain("Trial = 1").And.Contain("Trial = 2").And.Contain("LickCount = 12").And.Contain("LickCount = 0"));
            Assert.That(await Schema.ListTablesAsync(ct), Has.Count.EqualTo(5), "reading changed no table of either schema");
            Assert.That(await recordings.ListTablesAsync(ct), Is.EquivalentTo(new[] { "_recording", "_recording__lick" }));
            Assert.That(output, Does.Contain("Latin = Mus musculus").And.Contain("Latin = Rattus norvegicus"));
            Assert.That(output, Does.Contain("SubjectId = 2").And.Contain("HelperId = 2").And.Contain("Notes = first"));
            Assert.That(output, Does.Contain("Outcome = True").And.Contain("Outcome = False"));
            Assert.That(output, Does.Contain("HitRate = 0.5").And.Contain("RunUid = 00112233-4455-6677-8899-aabbccddeeff"));
        }
        finally
        {
            work.Delete(true); // the feed and its other consumers stay until the run ends
        }
    }

    private const string Program = """
        using DataJoint;
        using Lab.Pipeline;
        using Lab.Recordings;

        var schema = await Schema.OpenAsync(DataJointConnection.FromEnvironment(), args[0]);
        var recordings = await Schema.OpenAsync(DataJointConnection.FromEnvironment(), args[1]);
        // Tables of the second schema read through their own schema, and through the first (the classes are bound).
        foreach (var r in await (await Recording.TableAsync(recordings)).FetchAsync()) Console.WriteLine(r);
        foreach (var r in await (await Recording.Lick.TableAsync(schema)).FetchAsync()) Console.WriteLine(r);
        foreach (var r in await (await Species.TableAsync(schema)).FetchAsync()) Console.WriteLine(r);
        foreach (var r in await (await Subject.TableAsync(schema)).FetchAsync()) Console.WriteLine(r);
        foreach (var r in await (await Session.TableAsync(schema)).FetchAsync()) Console.WriteLine(r);
        foreach (var r in await (await Session.Trial.TableAsync(schema)).FetchAsync()) Console.WriteLine(r);
        foreach (var r in await (await Summary.TableAsync(schema)).FetchAsync()) Console.WriteLine(r);
        """;
}
