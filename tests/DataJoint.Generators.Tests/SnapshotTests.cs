using System.Runtime.CompilerServices;

namespace DataJoint.Generators.Tests;

/// <summary>
/// Golden-file tests of the generated code. Approved files sit in Snapshots/ as <c>*.verified.cs</c>; a mismatch writes
/// <c>*.received.cs</c> beside them and fails. Set <c>DJ_ACCEPT_SNAPSHOTS=1</c> to accept the received output.
/// </summary>
public class SnapshotTests
{
    internal const string Sample = """
        using System.Collections.Generic;
        using DataJoint;

        namespace Lab.Graphs
        {
            public sealed record Graph(bool Directed, IReadOnlyList<string> Nodes);

            public sealed record GraphData(bool Directed, string[] Nodes)
            {
                [BlobKey("schema_version")]
                public int Version { get; init; } = 1;
                public string? Label { get; set; }
            }

            [Codec("graph", InTable = "<blob>", InStore = "<blob>")]
            public sealed partial class GraphCodec : Codec<Graph, GraphData>
            {
                protected override GraphData Encode(Graph g, EncodeContext ctx) => new(g.Directed, [.. g.Nodes]);
                protected override Graph Decode(GraphData d, DecodeContext ctx) => new(d.Directed, d.Nodes);
            }

            public static partial class Holder
            {
                [Codec("tag", InTable = "varchar(64)")]
                public sealed partial class TagCodec : Codec<string, string>
                {
                    protected override string Encode(string v, EncodeContext ctx) => v;
                    protected override string Decode(string v, DecodeContext ctx) => v;
                }
            }
        }

        [Codec("zarrish", InStore = "json", InTableError = "<zarrish> requires @ (store only)")]
        public sealed partial class ZarrishCodec : AsyncCodec<float[], System.Text.Json.JsonElement>
        {
            protected override System.Threading.Tasks.ValueTask<System.Text.Json.JsonElement> EncodeAsync(float[] v, EncodeContext ctx, System.Threading.CancellationToken ct) => default;
            protected override System.Threading.Tasks.ValueTask<float[]> DecodeAsync(System.Text.Json.JsonElement s, DecodeContext ctx, System.Threading.CancellationToken ct) => default;
        }
        """;

    [TestCase("DataJoint.CodecRegistry.g.cs")]
    [TestCase("Lab.Graphs.GraphCodec.DataJointCodec.g.cs")]
    [TestCase("Lab.Graphs.Holder.TagCodec.DataJointCodec.g.cs")]
    [TestCase("ZarrishCodec.DataJointCodec.g.cs")]
    public void GeneratedCode_MatchesApprovedSnapshot(string hintName)
    {
        var result = TestHarness.Run(Sample);
        Assert.That(result.CompilerErrors, Is.Empty, string.Join("\n", result.CompilerErrors));
        Assert.That(result.Analyzer, Is.Empty);
        Snapshot.Verify("Snapshots", hintName.Replace(".g.cs", string.Empty), result.Generated(hintName));
    }
}
