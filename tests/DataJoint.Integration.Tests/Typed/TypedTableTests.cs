using System.Text.Json;
using DataJoint.Integration.Tests.Tables;

using DataJoint.Metadata;
namespace DataJoint.Integration.Tests.Typed.Model
{
    public sealed record Graph(bool Directed, string[] Nodes)
    {
        public bool Same(Graph other) => Directed == other.Directed && Nodes.SequenceEqual(other.Nodes);
    }

    /// <summary>What <see cref="TypedGraphCodec"/> stores through &lt;blob&gt; (a record: the generated mapper packs it as a struct).</summary>
    public sealed record GraphData(bool Directed, string[] Nodes, int EdgeCount);

    [Codec("typedgraph", InTable = "<blob>", InStore = "<blob>")]
    public sealed partial class TypedGraphCodec : Codec<Graph, GraphData>
    {
        protected override GraphData Encode(Graph value, EncodeContext context) => new(value.Directed, value.Nodes, value.Nodes.Length - 1);

        protected override Graph Decode(GraphData stored, DecodeContext context) => new(stored.Directed, stored.Nodes);
    }

    [Table]
    public partial class Neurons : Manual
    {
        public const string Definition = """
            neuron_id : int32
            ---
            label : varchar(32)
            """;
    }

    [Table]
    public partial class Connectivity : Computed
    {
        public const string Definition = """
            -> Neurons
            ---
            network : <typedgraph>        # small graphs in the database
            note = null : varchar(64)
            """;
    }

    [Table]
    public partial class Everything : Manual
    {
        public const string Definition = """
            # every core type
            -> Neurons
            item_uid : uuid
            ---
            i8 : int8
            i16 : int16
            i64 : int64
            f32 : float32
            f64 : float64
            flag : bool
            meta : json
            raw : bytes
            day : date
            stamp : datetime(3)
            code : char(4)
            label : varchar(32)
            kind : enum('alpha', 'beta')
            amount : decimal(8, 2)
            note = null : varchar(255)
            score = null : float64
            maybe_day = null : date
            -> [nullable] Neurons.proj(reviewer_id='neuron_id')
            """;
    }
}

namespace DataJoint.Integration.Tests.Typed
{
    using DataJoint.Integration.Tests.Typed.Model;

    /// <summary>The generated Row/Key records through a real MariaDB: insert, fetch, restrict, keys, selectors, codecs.</summary>
    public class TypedTableTests : SchemaFixture
    {
        protected override string Purpose => "typed";

        private static Everything.Row Sample(int neuron, Guid uid, bool withNulls) => new()
        {
            NeuronId = neuron,
            ItemUid = uid,
            I8 = -7,
            I16 = -300,
            I64 = 1L << 40,
            F32 = 1.5f,
            F64 = Math.PI,
            Flag = true,
            Meta = JsonDocument.Parse("""{"a":[1,2],"b":"x"}""").RootElement.Clone(),
            Raw = [0, 1, 2, 255],
            Day = new DateOnly(2024, 2, 29),
            Stamp = new DateTime(2024, 3, 1, 12, 30, 45, 123),
            Code = "abcd",
            Label = "naïve ünïcode",
            Kind = "beta",
            Amount = 123456.78m,
            Note = withNulls ? null : "a note",
            Score = withNulls ? null : 0.25,
            MaybeDay = withNulls ? null : new DateOnly(1999, 12, 31),
            ReviewerId = withNulls ? null : 1,
        };

        private static void AssertSame(Everything.Row actual, Everything.Row expected)
        {
            // byte[] and JsonElement compare by reference in record equality: compare them by content, the rest as records.
            Assert.That(actual.Raw, Is.EqualTo(expected.Raw));
            Assert.That(actual.Meta.GetRawText(), Is.EqualTo(expected.Meta.GetRawText()));
            Assert.That(actual with { Raw = expected.Raw, Meta = expected.Meta }, Is.EqualTo(expected));
        }

        [Test]
        public async Task AllCoreTypes_RoundTrip_IncludingNulls()
        {
            var neurons = await Neurons.TableAsync(Schema);
            await neurons.InsertAsync([new Neurons.Row { NeuronId = 1, Label = "n1" }, new Neurons.Row { NeuronId = 2, Label = "n2" }]);
            var everything = await Everything.TableAsync(Schema);
            Assert.That(everything.Table.Name, Is.EqualTo("everything"));

            var full = Sample(1, Guid.NewGuid(), withNulls: false);
            var nulls = Sample(2, Guid.NewGuid(), withNulls: true);
            await everything.InsertAsync([full, nulls]);

            var back = await everything.FetchAsync();
            Assert.That(back, Has.Count.EqualTo(2));
            AssertSame(back.Single(r => r.NeuronId == 1), full);
            AssertSame(back.Single(r => r.NeuronId == 2), nulls);
            Assert.That(back.Single(r => r.NeuronId == 2).Note, Is.Null);
            Assert.That(back.Single(r => r.NeuronId == 2).ReviewerId, Is.Null);

            // the nullable FK holds the parent's key type; the dynamic API sees the same SQL values
            var dyn = await everything.Table.Restrict(new { neuron_id = 1 }).Fetch1Async();
            Assert.That(dyn["reviewer_id"], Is.EqualTo(1));
            Assert.That(dyn["item_uid"], Is.EqualTo(full.ItemUid));
        }

        [Test]
        public async Task RestrictByKey_Keys_Count_Stream_Delete()
        {
            var neurons = await Neurons.TableAsync(Schema);
            await neurons.InsertAsync(Enumerable.Range(1, 5).Select(i => new Neurons.Row { NeuronId = i, Label = "n" + i }));
            var everything = await Everything.TableAsync(Schema);
            var rows = Enumerable.Range(1, 3).Select(i => Sample(i, Guid.NewGuid(), i % 2 == 0)).ToList();
            await everything.InsertAsync(rows);

            var keys = await everything.KeysAsync();
            Assert.That(keys.Select(k => (k.NeuronId, k.ItemUid)), Is.EquivalentTo(rows.Select(r => (r.NeuronId, r.ItemUid))));
            Assert.That(keys[0], Is.TypeOf<Everything.Key>());

            var second = rows[1].ToKey();
            var one = await everything.Restrict(second).Fetch1Async();
            AssertSame(one, rows[1]);
            Assert.That(await (everything & second).CountAsync(), Is.EqualTo(1));
            AssertSame(await everything.Restrict(rows[2]).Fetch1Async(), rows[2]);
            Assert.That(await everything.Restrict(new { neuron_id = 3 }).Fetch1Async(r => r.Label), Is.EqualTo("naïve ünïcode"));
            Assert.That(await everything.Restrict(second).Fetch1Async(r => r.Note), Is.Null);
            Assert.That(await everything.Restrict(rows[0].ToKey()).Fetch1Async(r => r.Score), Is.EqualTo(0.25));
            Assert.That(await everything.FetchAsync(r => r.NeuronId), Is.EquivalentTo(new[] { 1, 2, 3 }));

            var streamed = new List<int>();
            await foreach (var r in everything.StreamAsync()) streamed.Add(r.NeuronId);
            Assert.That(streamed, Is.EquivalentTo(new[] { 1, 2, 3 }));

            Assert.That(await everything.Restrict(second).DeleteAsync(), Is.EqualTo(1));
            Assert.That(await everything.CountAsync(), Is.EqualTo(2));
            Assert.That(await everything.Restrict(second).CountAsync(), Is.EqualTo(0));
        }

        [Test]
        public async Task BlobChainedCodec_Fetch1Selector_DecodesThroughCodecChain()
        {
            var neurons = await Neurons.TableAsync(Schema);
            await neurons.Insert1Async(new Neurons.Row { NeuronId = 7, Label = "seven" });
            var connectivity = await Connectivity.TableAsync(Schema);
            Assert.That(connectivity.Table.Name, Is.EqualTo("__connectivity"));
            Assert.That(connectivity.Table.Heading["network"].Codec, Is.EqualTo("<typedgraph>"));

            var graph = new Graph(true, ["a", "b", "c"]);
            await connectivity.Insert1Async(new Connectivity.Row { NeuronId = 7, Network = graph }, new InsertOptions { AllowDirectInsert = true });

            var key = new Connectivity.Key { NeuronId = 7 };
            Graph g = await connectivity.Restrict(key).Fetch1Async(r => r.Network);
            Assert.That(g.Same(graph), Is.True, $"{g.Directed} {string.Join(",", g.Nodes)}");

            var row = await connectivity.Restrict(key).Fetch1Async();
            Assert.That(row.NeuronId, Is.EqualTo(7));
            Assert.That(row.Network.Same(graph), Is.True);
            Assert.That(row.Note, Is.Null);

            // the stored value is the record packed by <blob>: the dynamic API decodes to the same Graph
            var dyn = await connectivity.Table.Restrict(new { neuron_id = 7 }).Fetch1Async<Graph>("network");
            Assert.That(dyn!.Same(graph), Is.True);
        }

        [Test]
        public void GeneratedRecords_HavePascalCaseTypedProperties_WithSqlNames()
        {
            var p = typeof(Connectivity.Row).GetProperty(nameof(Connectivity.Row.NeuronId))!;
            Assert.That(p.PropertyType, Is.EqualTo(typeof(int)));
            var k = typeof(Connectivity.Key).GetProperty(nameof(Connectivity.Key.NeuronId))!;
            Assert.That(((AttributeNameAttribute)k.GetCustomAttributes(typeof(AttributeNameAttribute), false).Single()).Name, Is.EqualTo("neuron_id"));
            var metadata = TableMetadata.Of<Connectivity>();
            Assert.That(metadata.Attributes[0], Is.EqualTo("neuron_id"), "the SQL names, in Row order, are in the generated metadata");
            Assert.That(metadata.KeyCount, Is.EqualTo(1));
            Assert.That(typeof(Connectivity.Row).GetProperty("Network")!.PropertyType, Is.EqualTo(typeof(Graph)));
            Assert.That(typeof(Everything.Row).GetProperty("ReviewerId")!.PropertyType, Is.EqualTo(typeof(int?)));
            Assert.That(typeof(Everything.Row).GetProperty("Meta")!.PropertyType, Is.EqualTo(typeof(JsonElement)));
            Assert.That(typeof(Everything.Row).GetProperty("Day")!.PropertyType, Is.EqualTo(typeof(DateOnly)));
            Assert.That(typeof(Everything.Row).GetProperty("MaybeDay")!.PropertyType, Is.EqualTo(typeof(DateOnly?)));
            Assert.That(typeof(Everything.Row).GetProperty("Amount")!.PropertyType, Is.EqualTo(typeof(decimal)));
            Assert.That(typeof(Everything.Row).GetProperty("I8")!.PropertyType, Is.EqualTo(typeof(sbyte)));
            Assert.That(typeof(Everything.Key).GetProperties().Select(x => x.Name), Is.EqualTo(new[] { "NeuronId", "ItemUid" }));
        }

        [Test]
        public async Task TypedInsert_RunsTheDynamicChecks_AllOrNothing()
        {
            var neurons = await Neurons.TableAsync(Schema);
            var ex = await Assert.ThrowsAsync<DataJointException>(() => neurons.InsertAsync(
            [
                new Neurons.Row { NeuronId = 1, Label = "fine" },
                new Neurons.Row { NeuronId = 2, Label = new string('x', 33) },
            ]));
            Assert.That(ex!.Message, Does.StartWith("Attribute `label` (varchar(32)) of table `" + Schema.Database + "`.`neurons`"));
            Assert.That(ex.Message, Does.Contain("the string has 33 characters"));
            Assert.That(await neurons.CountAsync(), Is.EqualTo(0));

            await neurons.Insert1Async(new Neurons.Row { NeuronId = 1, Label = "one" });
            await neurons.InsertAsync([new Neurons.Row { NeuronId = 1, Label = "changed" }], new InsertOptions { SkipDuplicates = true });
            Assert.That(await neurons.Restrict(new Neurons.Key { NeuronId = 1 }).Fetch1Async(r => r.Label), Is.EqualTo("one"));
            await neurons.InsertAsync([new Neurons.Row { NeuronId = 1, Label = "replaced" }], new InsertOptions { Replace = true });
            Assert.That(await neurons.Restrict(new Neurons.Key { NeuronId = 1 }).Fetch1Async(r => r.Label), Is.EqualTo("replaced"));
        }

        [Test]
        public async Task BadValueFromDatabase_NamesAttribute()
        {
            // a typed handle over a table whose column holds NULL where the typed property is not nullable
            var neurons = await Neurons.TableAsync(Schema);
            await ExecAsync($"ALTER TABLE `{Schema.Database}`.`neurons` MODIFY `label` varchar(32) NULL");
            await ExecAsync($"INSERT INTO `{Schema.Database}`.`neurons` VALUES (1, NULL)");
            var ex = await Assert.ThrowsAsync<DataJointException>(() => neurons.FetchAsync());
            Assert.That(ex!.Message, Is.EqualTo("Attribute `label` is NULL but its typed property is a non-nullable String"));
        }
    }
}
