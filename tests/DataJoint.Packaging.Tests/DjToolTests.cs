using System.Diagnostics;
using System.Text.Json;
using DataJoint.Integration.Tests.Introspection;
using DataJoint.Integration.Tests.Tables;

namespace DataJoint.Packaging.Tests;

/// <summary>
/// The dj tool as a user gets it: packed into the shared feed (with the runtime, one pack), installed with
/// dotnet tool install --tool-path and run command by command against a Python-made schema.
/// </summary>
public class DjToolTests : SchemaFixture
{
    protected override string Purpose => "djtool";

    [Test]
    [CancelAfter(600_000)]
    public async Task EveryCommandWorksFromTheInstalledTool(CancellationToken ct)
    {
        var db = Schema.Database;
        await LabPipeline.CreateAsync(ExecAsync, db);
        // A job queue as DataJoint Python 2.x keeps it for the computed table (spec §3.5, abridged to the columns dj reads).
        await ExecAsync($"""
            CREATE TABLE `{db}`.`~~summary` (
            `subject_id` int NOT NULL, `session_idx` smallint NOT NULL,
            `status` enum('pending','reserved','success','error','ignore') NOT NULL,
            PRIMARY KEY (`subject_id`,`session_idx`)) ENGINE=InnoDB
            """);
        await ExecAsync($"INSERT INTO `{db}`.`~~summary` VALUES (1, 1, 'success'), (1, 2, 'error')");

        var work = Directory.CreateTempSubdirectory("djnet-djtool-");
        try
        {
            var (_, feed, version) = await PackageFeed.GetAsync(ct);
            var tools = Path.Combine(work.FullName, "tools");
            var (code, output) = await PackageFeed.RunAsync(work.FullName, ct, "tool", "install", "DataJoint.Tool", "--tool-path", tools,
                "--add-source", feed, "--version", version);
            Assert.That(code, Is.Zero, output);
            var dj = Path.Combine(tools, "dj");
            var store = Directory.CreateDirectory(Path.Combine(work.FullName, "store")).FullName;
            var cwd = Directory.CreateDirectory(Path.Combine(work.FullName, "project")).FullName;
            Directory.CreateDirectory(Path.Combine(cwd, ".git")); // no datajoint.json above: DJ_* variables only

            async Task<(int Code, string Out, string Err)> Dj(params string[] args)
            {
                var psi = new ProcessStartInfo(dj) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var a in args) psi.ArgumentList.Add(a);
                psi.Environment["DJ_STORES"] = JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["default"] = "local", ["local"] = new Dictionary<string, string> { ["protocol"] = "file", ["location"] = store },
                });
                psi.Environment["COLUMNS"] = "200";
                using var p = Process.Start(psi)!;
                var o = p.StandardOutput.ReadToEndAsync(ct);
                var e = p.StandardError.ReadToEndAsync(ct);
                await p.WaitForExitAsync(ct);
                return (p.ExitCode, await o, await e);
            }

            var r = await Dj("schemas", "--json");
            Assert.That(r.Code, Is.Zero, r.Err);
            Assert.That(JsonSerializer.Deserialize<string[]>(r.Out), Does.Contain(db));
            r = await Dj("schemas");
            Assert.That(r.Out, Does.Contain(db).And.Contain("schema"), "a Spectre.Console table");

            r = await Dj("tables", db, "--json");
            Assert.That(r.Code, Is.Zero, r.Err);
            var tables = JsonDocument.Parse(r.Out).RootElement.EnumerateArray()
                .Select(e => (e.GetProperty("class").GetString(), e.GetProperty("rows").GetInt64())).ToList();
            Assert.That(tables, Is.EqualTo(new[] { ("Species", 2L), ("Subject", 2L), ("Session", 2L), ("Session.Trial", 2L), ("Summary", 1L) }));
            r = await Dj("tables", db);
            Assert.That(r.Out, Does.Contain("Session.Trial").And.Contain("session__trial").And.Contain("recording sessions"));

            r = await Dj("describe", db + ".Session");
            Assert.That(r.Code, Is.Zero, r.Err);
            Assert.That(r.Out, Is.EqualTo(await Schema.DescribeAsync("Session", ct)));
            r = await Dj("describe", db + ".Session.Trial", "--json");
            Assert.That(JsonDocument.Parse(r.Out).RootElement.GetProperty("definition").GetString(), Does.StartWith("-> Session\ntrial"));

            var scaffoldDir = Path.Combine(work.FullName, "scaffold");
            r = await Dj("scaffold", db, "-o", scaffoldDir, "--namespace", "Lab.Pipeline");
            Assert.That(r.Code, Is.Zero, r.Err);
            Assert.That(Directory.GetFiles(scaffoldDir).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "Session.cs", "Species.cs", "Subject.cs", "Summary.cs" }));
            r = await Dj("scaffold", db, "-o", scaffoldDir, "--namespace", "Lab.Pipeline", "--json");
            var again = JsonDocument.Parse(r.Out).RootElement;
            Assert.That((again.GetProperty("written").GetArrayLength(), again.GetProperty("unchanged").GetArrayLength()), Is.EqualTo((0, 4)));

            r = await Dj("diagram", db, "-o", Path.Combine(work.FullName, "lab.svg"));
            Assert.That(r.Code, Is.Zero, r.Err);
            Assert.That(System.Xml.Linq.XDocument.Load(Path.Combine(work.FullName, "lab.svg")).Root!.Name.LocalName, Is.EqualTo("svg"));
            r = await Dj("diagram", db, "-o", Path.Combine(work.FullName, "lab.mmd"));
            Assert.That(File.ReadAllText(Path.Combine(work.FullName, "lab.mmd")), Does.StartWith("flowchart TB"));

            r = await Dj("jobs", db, "--json");
            Assert.That(r.Code, Is.Zero, r.Err);
            var queue = JsonDocument.Parse(r.Out).RootElement[0];
            Assert.That(queue.GetProperty("table").GetString(), Is.EqualTo("~~summary"));
            Assert.That(queue.GetProperty("target").GetString(), Is.EqualTo("__summary"));
            Assert.That((queue.GetProperty("counts").GetProperty("success").GetInt64(), queue.GetProperty("counts").GetProperty("error").GetInt64(),
                queue.GetProperty("counts").GetProperty("pending").GetInt64()), Is.EqualTo((1L, 1L, 0L)));

            // An orphan in the store's area of this schema: gc --dry-run reports it and deletes nothing; gc deletes it.
            var orphan = Path.Combine(store, "_hash", db, "aaaaaaaaaaaaaaaaaaaaaaaaaa");
            Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
            File.WriteAllText(orphan, "x");
            r = await Dj("gc", db, "--store", "local", "--dry-run", "--json");
            Assert.That(r.Code, Is.Zero, r.Err);
            var report = JsonDocument.Parse(r.Out).RootElement;
            Assert.That((report.GetProperty("DryRun").GetBoolean(), report.GetProperty("HashPathsOrphaned").GetInt32()), Is.EqualTo((true, 1)));
            Assert.That(File.Exists(orphan), Is.True);
            r = await Dj("gc", db, "--store", "local");
            Assert.That(r.Code, Is.Zero, r.Err);
            Assert.That(r.Out, Does.Contain("orphaned").And.Contain("deleted"));
            Assert.That(File.Exists(orphan), Is.False);

            r = await Dj("describe", "nodot");
            Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((1, "dj: Expected schema.Table (e.g. lab.Session or lab.Session.Trial), got 'nodot'.")));
            r = await Dj("describe", db + ".Nope");
            Assert.That(r.Code, Is.EqualTo(1));
            Assert.That(r.Err, Does.Contain("has no table `Nope`"));
            // A file that cannot be written is the same one-line error (docs/dj-tool.md), not a stack trace.
            var blocked = Path.Combine(work.FullName, "no-such-folder", "lab.svg");
            r = await Dj("diagram", db, "-o", blocked);
            Assert.That(r.Code, Is.EqualTo(1), r.Err);
            Assert.That(r.Err, Does.StartWith("dj: ").And.Contain("no-such-folder").And.Not.Contain("   at "));
        }
        finally
        {
            work.Delete(true);
        }
    }
}
