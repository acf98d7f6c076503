using DataJoint.Integration.Tests.Tables;

namespace DataJoint.Integration.Tests.Typed.Operators
{
    [Table]
    public partial class Probe : Manual
    {
        public const string Definition = """
            probe_id : int32
            ---
            label : varchar(8)
            depth = null : float64
            """;
    }

    [Table]
    public partial class ProbeLabel : Manual
    {
        public const string Definition = """
            label_id : int32
            ---
            text : varchar(16)
            """;
    }

    [Table]
    public partial class Note : Manual
    {
        public const string Definition = """
            note_id : int32
            ---
            file : <attach>
            """;
    }

    /// <summary>
    /// The typed tables' counterparts of issue #14's operators on MariaDB (Top and fetch windows as typed rows, update1 of a
    /// row, insert from a query, the dry-run validate, a Top or AndList restriction), against values written out by hand.
    /// </summary>
    /// <remarks>probe: 3 "c" 30.0 | 1 "a" 10.0 | 4 "d" NULL | 2 "b" 20.0 (inserted in that order)</remarks>
    public class TypedOperatorsTests : SchemaFixture
    {
        protected override string Purpose => "typedops";

        private TypedTable<Probe, Probe.Row, Probe.Key> _probe = null!;

        [SetUp]
        public async Task Fill()
        {
            _probe = await Probe.TableAsync(Schema);
            await _probe.InsertAsync(
            [
                new Probe.Row { ProbeId = 3, Label = "c", Depth = 30.0 },
                new Probe.Row { ProbeId = 1, Label = "a", Depth = 10.0 },
                new Probe.Row { ProbeId = 4, Label = "d", Depth = null },
                new Probe.Row { ProbeId = 2, Label = "b", Depth = 20.0 },
            ]);
        }

        [Test]
        public async Task FetchByTopAndWindow_InTheirOrder_KeyOrderWithoutOne()
        {
            var top = await _probe.FetchAsync(new Top(2, "depth DESC"));
            Assert.That(top.Select(r => (r.ProbeId, r.Depth)), Is.EqualTo(new[] { (3, (double?)30.0), (2, 20.0) }));
            var page = await _probe.FetchAsync(new FetchOptions { OrderBy = ["KEY DESC"], Limit = 2, Offset = 1 });
            Assert.That(page.Select(r => r.ProbeId), Is.EqualTo(new[] { 3, 2 }));
            var firstTwo = await _probe.FetchAsync(new FetchOptions { Limit = 2 });
            Assert.That(firstTwo.Select(r => r.Label), Is.EqualTo(new[] { "a", "b" }), "a limit without an order is key order");
            // A Top is a query, not a table: typed rows come through FetchAsync(top); the message says so.
            var ex = Assert.Throws<DataJointException>(() => _ = _probe & new Top(1, "label DESC"));
            Assert.That(ex!.Message, Does.Contain("FetchAsync(top)"));
            Assert.That((await (_probe.Table & new Top(1, "label DESC")).Fetch1Async<int>("probe_id")), Is.EqualTo(4));
            // An AndList restricts the typed table as it restricts a dynamic one.
            Assert.That((await (_probe & new AndList("depth > 15", new { label = "c" })).FetchAsync()).Single().ProbeId, Is.EqualTo(3));
            Assert.That(await (_probe - new AndList("depth > 15", new { label = "c" })).CountAsync(), Is.EqualTo(3));
        }

        [Test]
        public async Task FetchWithOptions_KeepsTheirDownloadPath()
        {
            var notes = await Note.TableAsync(Schema);
            var dir = Directory.CreateTempSubdirectory("djnet-typedops-");
            try
            {
                var source = Path.Combine(dir.FullName, "hello.txt");
                await File.WriteAllTextAsync(source, "hello");
                await notes.InsertAsync([new Note.Row { NoteId = 1, File = source }, new Note.Row { NoteId = 2, File = source }]);
                var target = dir.CreateSubdirectory("down").FullName;
                var rows = await notes.FetchAsync(new FetchOptions { DownloadPath = target, OrderBy = ["KEY DESC"], Limit = 1 });
                Assert.That(rows.Select(r => (r.NoteId, r.File)), Is.EqualTo(new[] { (2, Path.Combine(target, "hello.txt")) }));
                Assert.That(await File.ReadAllTextAsync(rows[0].File), Is.EqualTo("hello"));
            }
            finally
            {
                dir.Delete(recursive: true);
            }
        }

        [Test]
        public async Task Update1_WritesEveryAttributeOfTheRecord_NullResetsToTheDefault()
        {
            var one = await (_probe & new Probe.Key { ProbeId = 1 }).Fetch1Async();
            await _probe.Update1Async(one with { Label = "alpha", Depth = null });
            var back = await (_probe & new Probe.Key { ProbeId = 1 }).Fetch1Async();
            Assert.That((back.Label, back.Depth), Is.EqualTo(("alpha", (double?)null)));
            Assert.That(await _probe.CountAsync(), Is.EqualTo(4));
            Assert.That((await (_probe & new Probe.Key { ProbeId = 2 }).Fetch1Async()).Label, Is.EqualTo("b"), "other rows untouched");

            var missing = await Assert.ThrowsAsync<DataJointException>(() => _probe.Update1Async(new Probe.Row { ProbeId = 9, Label = "x" }));
            Assert.That(missing!.Message, Is.EqualTo("Update can only be applied to one existing entry."));
            var restricted = await Assert.ThrowsAsync<DataJointException>(() => (_probe & new Probe.Key { ProbeId = 1 }).Update1Async(back));
            Assert.That(restricted!.Message, Is.EqualTo("Update cannot be applied to a restricted table."));
            var tooLong = await Assert.ThrowsAsync<DataJointException>(() => _probe.Update1Async(back with { Label = "much too long" }));
            Assert.That(tooLong!.Message, Does.Contain("label"));
            Assert.That((await (_probe & new Probe.Key { ProbeId = 1 }).Fetch1Async()).Label, Is.EqualTo("alpha"), "a refused update changes nothing");
        }

        [Test]
        public async Task InsertFromAQuery_RunsOnTheServer()
        {
            var labels = await ProbeLabel.TableAsync(Schema);
            await labels.InsertAsync((_probe.Table & "depth IS NOT NULL").Proj("label_id=probe_id", "text=label"));
            var rows = await labels.FetchAsync(new FetchOptions { OrderBy = ["KEY"] });
            Assert.That(rows.Select(r => (r.LabelId, r.Text)), Is.EqualTo(new[] { (1, "a"), (2, "b"), (3, "c") }));

            await labels.InsertAsync(_probe.Table.Proj("label_id=probe_id", "text=label"), new InsertOptions { SkipDuplicates = true });
            Assert.That(await labels.FetchAsync(r => r.Text), Is.EquivalentTo(new[] { "a", "b", "c", "d" }));
            var extra = await Assert.ThrowsAsync<DataJointException>(() =>
                labels.InsertAsync(_probe.Table.Proj("label_id=probe_id", "text=label", "depth"), new InsertOptions { Replace = true }));
            Assert.That(extra!.Message, Does.Contain("Attribute depth not found"));
        }

        [Test]
        public async Task Validate_ReportsEachBadRow_WritesNothing()
        {
            var result = _probe.Validate(
            [
                new Probe.Row { ProbeId = 5, Label = "e" },
                new Probe.Row { ProbeId = 6, Label = "much too long" },
                new Probe.Row { ProbeId = 7, Label = "g", Depth = 1.0 },
                new Probe.Row { ProbeId = 8, Label = "way too long" },
            ]);
            Assert.That(result.IsValid, Is.False);
            Assert.That(result.Errors.Select(e => (e.Row, e.Attribute)), Is.EqualTo(new[] { (1, (string?)"label"), (3, "label") }));
            Assert.That(_probe.Validate([new Probe.Row { ProbeId = 5, Label = "e" }]).IsValid, Is.True);
            Assert.That(await _probe.CountAsync(), Is.EqualTo(4));
        }
    }
}
