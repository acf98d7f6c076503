namespace DataJoint.Packaging.Tests;

/// <summary>
/// A consumer published NativeAOT from the package with <c>IsAotCompatible</c> and warnings as errors (so any trim or AOT
/// warning of the runtime or the generated code fails the publish), then run as a native binary against MariaDB: a codec
/// chained to &lt;blob&gt;, typed tables (a Lookup with its Contents, a parent and a child), a json column, insert,
/// typed fetch and restriction, and the clear error for a row given as an anonymous object (reflection is off there).
/// </summary>
public class NativeAotConsumerTests
{
    private const string Program = """"
        using System.Text.Json;
        using DataJoint;

        namespace Aot;

        public sealed record Point(double X, double Y);

        [Codec("aotpt", InTable = "<blob>")]
        public sealed partial class PointCodec : Codec<Point, double[]>
        {
            protected override double[] Encode(Point value, EncodeContext context) => [value.X, value.Y];
            protected override Point Decode(double[] stored, DecodeContext context) => new(stored[0], stored[1]);
        }

        [Table]
        public sealed partial class Rig : Lookup
        {
            public const string Definition = """
                rig_name : varchar(16)
                ---
                room : int32
                """;

            public static readonly Row[] Contents = [new Row { RigName = "alpha", Room = 101 }, new Row { RigName = "beta", Room = 202 }];
        }

        [Table]
        public sealed partial class Probe : Manual
        {
            public const string Definition = """
                -> Rig
                probe_id : int32
                ---
                position : <aotpt>
                settings : json
                note = null : varchar(64)
                """;
        }

        public static class Program
        {
            public static async Task<int> Main(string[] args)
            {
                var schema = await Schema.ActivateAsync(DataJointConnection.FromEnvironment(), args[0]);
                try
                {
                    var rigs = await Rig.TableAsync(schema);
                    var probes = await Probe.TableAsync(schema);
                    Console.WriteLine("rigs: " + string.Join(",", (await rigs.FetchAsync()).OrderBy(r => r.RigName).Select(r => r.RigName + "@" + r.Room)));
                    var settings = JsonDocument.Parse("{\"gain\": 2.5, \"channels\": [1, 2]}").RootElement;
                    await probes.InsertAsync(
                    [
                        new Probe.Row { RigName = "alpha", ProbeId = 1, Position = new Point(1.5, -2), Settings = settings },
                        new Probe.Row { RigName = "beta", ProbeId = 2, Position = new Point(3, 4), Settings = settings, Note = "spare" },
                    ]);
                    var one = await probes.Restrict(new Probe.Key { RigName = "alpha", ProbeId = 1 }).Fetch1Async();
                    Console.WriteLine($"probe 1: {one.Position.X} {one.Position.Y} gain={one.Settings.GetProperty("gain").GetDouble()} note={one.Note ?? "null"}");
                    // A dictionary row (no reflection): its json value serialized through DataJoint's source-generated context.
                    await probes.Table.Insert1Async(new Dictionary<string, object?>
                    {
                        ["rig_name"] = "beta", ["probe_id"] = 3, ["position"] = new Point(0, 1),
                        ["settings"] = new Dictionary<string, object?> { ["gain"] = 0.5, ["label"] = "dict" },
                    });
                    var three = await probes.Restrict(new Probe.Key { RigName = "beta", ProbeId = 3 }).Fetch1Async();
                    Console.WriteLine($"probe 3: {three.Position.Y} label={three.Settings.GetProperty("label").GetString()}");
                    Console.WriteLine("count: " + await probes.CountAsync());
                    try
                    {
                        await probes.Table.Insert1Async(new { rig_name = "alpha", probe_id = 4 });
                        Console.WriteLine("anonymous row: inserted");
                    }
                    catch (DataJointException e)
                    {
                        Console.WriteLine("anonymous row: " + e.Message);
                    }
                    return 0;
                }
                finally
                {
                    await schema.DropAsync(new SchemaDropOptions { Safemode = false });
                }
            }
        }
        """";

    [Test]
    [CancelAfter(900_000)]
    public async Task PublishedNativeAot_WithAotWarningsAsErrors_RunsAgainstMariaDb(CancellationToken ct)
    {
        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (Environment.GetEnvironmentVariable("DJ_HOST") is null)
        {
            const string why = "MariaDB is not configured (DJ_HOST); start it with: eval \"$(bash scripts/services.sh)\"";
            if (ci) Assert.Fail(why);
            Assert.Ignore(why);
        }
        if (!OnPath("clang"))
        {
            const string why = "NativeAOT needs clang on PATH (scripts/test.sh installs Debian's clang)";
            if (ci) Assert.Fail(why);
            Assert.Ignore(why);
        }

        var dir = await PackageFeed.ConsumerAsync("aotconsumer",
            "<PublishAot>true</PublishAot><IsAotCompatible>true</IsAotCompatible><InvariantGlobalization>true</InvariantGlobalization>" +
            "<RootNamespace>Aot</RootNamespace>",
            "", new Dictionary<string, string> { ["Program.cs"] = Program }, ct);
        var output = Path.Combine(dir, "native");
        var publish = await PackageFeed.DotnetAsync(dir, ct, "publish", "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo");
        Assert.That(publish, Does.Not.Contain("warning"), "the publish reports no trim or AOT warning");
        var binary = Path.Combine(output, "aotconsumer");
        Assert.That(File.Exists(binary), Is.True, "a native executable was written");
        Assert.That(File.Exists(Path.Combine(output, "aotconsumer.dll")), Is.False, "no IL assembly: the program is native code");

        var schema = $"djnet_test_aot_{Guid.NewGuid():N}"[..40];
        var psi = new System.Diagnostics.ProcessStartInfo(binary, [schema]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        var text = await stdout + await stderr;
        Assert.That(p.ExitCode, Is.Zero, text);
        Assert.That(text, Does.Contain("rigs: alpha@101,beta@202"), "the Lookup's Contents were inserted through the generated metadata");
        Assert.That(text, Does.Contain("probe 1: 1.5 -2 gain=2.5 note=null"), "typed fetch through <aotpt> -> <blob> and json");
        Assert.That(text, Does.Contain("probe 3: 1 label=dict"), "a dictionary row with a json value");
        Assert.That(text, Does.Contain("count: 3"));
        Assert.That(text, Does.Contain("anonymous row: Rows of type").And.Contain("DataJoint.ObjectRows.IsSupported"),
            "a row given as an anonymous object is refused with the reason, not a crash");
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
        .Any(d => d.Length > 0 && File.Exists(Path.Combine(d, tool)));
}
