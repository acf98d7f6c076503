using DataJoint.Settings;
using DataJoint.Integration.Tests.Tables;

namespace DataJoint.Integration.Tests.Populate.Model
{
    [Table]
    public sealed partial class Animal : Manual
    {
        public const string Definition = """
            animal_id : int32
            ---
            weight : float64
            """;
    }

    [Table]
    public sealed partial class Species : Lookup
    {
        public const string Definition = """
            species_name : varchar(16)
            ---
            legs : int16
            """;

        public static Row[] Contents =>
        [
            new() { SpeciesName = "mouse", Legs = 4 },
            new() { SpeciesName = "fly", Legs = 6 },
        ];
    }

    /// <summary>A typed computed table with a typed make, a part table and a renamed foreign key in its key source.</summary>
    [Table]
    public sealed partial class WeightClass : Computed, IMake<WeightClass.Row, WeightClass.Key>
    {
        public const string Definition = """
            -> Animal
            ---
            heavy : bool
            """;

        public static readonly List<int> Made = [];

        public async Task MakeAsync(Key key, MakeContext<Row> context, CancellationToken cancellationToken)
        {
            var animal = await context.OpenSiblingAsync("animal", cancellationToken) & new { animal_id = key.AnimalId };
            var weight = (await animal.Fetch1Async(cancellationToken: cancellationToken)).Get<double>("weight");
            lock (Made) Made.Add(key.AnimalId);
            await context.Insert1Async(new Row { AnimalId = key.AnimalId, Heavy = weight > 10 }, cancellationToken: cancellationToken);
        }
    }
}

namespace DataJoint.Integration.Tests.Populate
{
    using DataJoint.Integration.Tests.Populate.Model;

    internal static class MakeContextTestExtensions
    {
        /// <summary>Opens a table of the target's schema by SQL name (tests only).</summary>
        public static async Task<Table> OpenSiblingAsync(this MakeContext context, string name, CancellationToken cancellationToken)
        {
            var schema = await Schema.ActivateAsync(context.Table.Connection, context.Table.Database, createIfMissing: false, cancellationToken: cancellationToken);
            return await schema.OpenTableAsync(name, cancellationToken);
        }
    }

    /// <summary>Populate in one process against MariaDB: direct and reserved modes, errors, order, limits, cancellation, typed make.</summary>
    public class PopulateTests : SchemaFixture
    {
        protected override string Purpose => "populate";

        private async Task<(Table Subject, Table Square)> DeclareAsync(int subjects = 5)
        {
            var subject = await Schema.DeclareAsync("Subject", TableTier.Manual, "subject_id : int32\n---\nname : varchar(16)");
            var square = await Schema.DeclareAsync("Square", TableTier.Computed, "-> Subject\n---\nsq : int64");
            await subject.InsertAsync(Enumerable.Range(1, subjects).Select(i => new { subject_id = i, name = "s" + i }));
            return (subject, square);
        }

        private static MakeHandler SquareMake(List<int>? made = null, int failOn = -1) => async (context, ct) =>
        {
            var id = (int)context.Key["subject_id"]!;
            if (id == failOn) throw new InvalidOperationException("boom");
            lock (made ?? []) made?.Add(id);
            await context.Insert1Async(new { subject_id = id, sq = (long)id * id }, cancellationToken: ct);
        };

        [Test]
        public async Task Populate_MakesEveryMissingKeyOnce_AndProgressCounts()
        {
            var (_, square) = await DeclareAsync();
            Assert.That(await square.ProgressAsync(), Is.EqualTo((5L, 5L)));
            var reports = new List<PopulateProgress>();
            var result = await square.PopulateAsync(SquareMake(), new PopulateOptions { Progress = new SyncProgress<PopulateProgress>(reports.Add) });
            Assert.That(result.SuccessCount, Is.EqualTo(5));
            Assert.That(result.Errors, Is.Empty);
            Assert.That(await square.CountAsync(), Is.EqualTo(5));
            Assert.That((await (square & new { subject_id = 4 }).Fetch1Async()).Get<long>("sq"), Is.EqualTo(16));
            Assert.That(reports.Select(r => r.Done), Is.EqualTo(new[] { 0, 1, 2, 3, 4, 5 }));
            Assert.That(reports[^1], Is.EqualTo(reports[^1] with { Total = 5, Succeeded = 5, Failed = 0, Skipped = 0 }));
            Assert.That(await square.ProgressAsync(), Is.EqualTo((0L, 5L)));
            Assert.That((await square.PopulateAsync(SquareMake())).SuccessCount, Is.Zero);
        }

        [Test]
        public async Task Populate_Restrictions_MaxCalls_AndOrder()
        {
            var (_, square) = await DeclareAsync(6);
            var made = new List<int>();
            await square.PopulateAsync(SquareMake(made), new PopulateOptions { Restrictions = ["subject_id > 2"], MaxCalls = 2, Order = PopulateOrder.Reverse });
            Assert.That(made, Is.EqualTo(new[] { 4, 3 }), "the first two keys of the restriction, taken in reverse");
            Assert.That(await square.ProgressAsync("subject_id > 2"), Is.EqualTo((2L, 4L)));
            made.Clear();
            await square.PopulateAsync(SquareMake(made), new PopulateOptions { Order = PopulateOrder.Random });
            Assert.That(made, Is.EquivalentTo(new[] { 1, 2, 5, 6 }));
        }

        [Test]
        public async Task Populate_SuppressErrors_CollectsAndGoesOn_FailFastThrows()
        {
            var (_, square) = await DeclareAsync();
            var failFast = await Assert.ThrowsAsync<InvalidOperationException>(() => square.PopulateAsync(SquareMake(failOn: 3)));
            Assert.That(failFast!.Message, Is.EqualTo("boom"));
            Assert.That(await square.CountAsync(), Is.EqualTo(2), "keys 1 and 2 were made before key 3 failed");

            var result = await square.PopulateAsync(SquareMake(failOn: 3), new PopulateOptions { SuppressErrors = true });
            Assert.That(result.SuccessCount, Is.EqualTo(2));
            Assert.That(result.Errors, Has.Count.EqualTo(1));
            Assert.That(result.Errors[0].Key["subject_id"], Is.EqualTo(3));
            Assert.That(result.Errors[0].Message, Is.EqualTo("InvalidOperationException: boom"));
            Assert.That(result.Errors[0].Exception, Is.InstanceOf<InvalidOperationException>());
            Assert.That(await (square & new { subject_id = 3 }).CountAsync(), Is.Zero);
        }

        [Test]
        public async Task ReserveJobs_RecordsTheErrorAsPython_AndTheFixedKeyIsMadeNextTime()
        {
            var (_, square) = await DeclareAsync(3);
            var result = await square.PopulateAsync(SquareMake(failOn: 2), new PopulateOptions { ReserveJobs = true, SuppressErrors = true });
            Assert.That(result.SuccessCount, Is.EqualTo(2));
            var jobs = await square.JobsAsync();
            var error = (await jobs.Errors.FetchAsync()).Single();
            Assert.That(error["subject_id"], Is.EqualTo(2));
            Assert.That(error["error_message"], Is.EqualTo("InvalidOperationException: boom"));
            Assert.That((string)error["error_stack"]!, Does.Contain("System.InvalidOperationException: boom").And.Contain(nameof(SquareMake)));
            Assert.That(error["completed_time"], Is.Not.Null);
            Assert.That(await jobs.Table.CountAsync(), Is.EqualTo(1), "completed jobs are deleted (keep_completed off)");

            // A failed key stays failed until its error row is deleted (Python's reset), then the next populate makes it.
            Assert.That((await square.PopulateAsync(SquareMake(), new PopulateOptions { ReserveJobs = true })).SuccessCount, Is.Zero);
            await jobs.Errors.DeleteQuickAsync();
            Assert.That((await square.PopulateAsync(SquareMake(), new PopulateOptions { ReserveJobs = true })).SuccessCount, Is.EqualTo(1));
            Assert.That(await square.CountAsync(), Is.EqualTo(3));
            Assert.That(await jobs.Table.CountAsync(), Is.Zero);
        }

        [Test]
        public async Task ReserveJobs_KeepCompleted_RecordsSuccessWithDuration_AndPriorityFilters()
        {
            var (_, square) = await DeclareAsync(4);
            var settings = new JobsSettings { KeepCompleted = true };
            var jobs = await square.JobsAsync(settings);
            await jobs.RefreshAsync(new JobRefreshOptions { Restrictions = ["subject_id <= 2"], Priority = 1, Delay = TimeSpan.FromSeconds(-1) });
            var made = new List<int>();
            var result = await square.PopulateAsync(SquareMake(made), new PopulateOptions { ReserveJobs = true, Refresh = false, Priority = 1, Jobs = settings });
            Assert.That(result.SuccessCount, Is.EqualTo(2));
            Assert.That(made, Is.EquivalentTo(new[] { 1, 2 }));
            var done = await jobs.Completed.FetchAsync();
            Assert.That(done, Has.Count.EqualTo(2));
            Assert.That(done.Select(r => (double)r["duration"]!), Is.All.GreaterThan(0));
            Assert.That((await square.PopulateAsync(SquareMake(), new PopulateOptions { ReserveJobs = true, Jobs = settings })).SuccessCount, Is.EqualTo(2));
            Assert.That(await jobs.Completed.CountAsync(), Is.EqualTo(4));
        }

        [Test]
        public async Task KeyAlreadyInTarget_IsSkipped_AndItsJobCompleted()
        {
            var (_, square) = await DeclareAsync(2);
            var jobs = await square.JobsAsync();
            await jobs.RefreshAsync(new JobRefreshOptions { Delay = TimeSpan.FromSeconds(-1) });
            await square.Insert1Async(new { subject_id = 1, sq = 1L }, new InsertOptions { AllowDirectInsert = true });
            var made = new List<int>();
            var result = await square.PopulateAsync(SquareMake(made), new PopulateOptions { ReserveJobs = true, Refresh = false });
            Assert.That(made, Is.EqualTo(new[] { 2 }));
            Assert.That(result.SuccessCount, Is.EqualTo(1));
            Assert.That(await jobs.Table.CountAsync(), Is.Zero);
        }

        [Test]
        public async Task JobMetadata_HiddenColumnsAreDeclaredAndFilledAfterCommit_WhenConfigured()
        {
            var settings = DataJoint.Settings.DataJointSettings.Load() with
            {
                Database = TestServices.Database,
                Jobs = new DataJoint.Settings.JobsSettings { AddJobMetadata = true },
            };
            var connection = DataJointConnection.FromSettings(settings);
            var schema = await Schema.ActivateAsync(connection, Schema.Database);
            var subject = await schema.DeclareAsync("Subject", TableTier.Manual, "subject_id : int32\n---\nname : varchar(16)");
            var square = await schema.DeclareAsync("Square", TableTier.Computed, "-> Subject\n---\nsq : int64");
            Assert.That(square.TableHeading.AllAttributes.Select(a => a.Name), Does.Contain("_job_start_time").And.Contain("_job_duration"));
            await subject.Insert1Async(new { subject_id = 1, name = "a" });
            var before = DateTime.Now.AddSeconds(-1);
            Assert.That((await square.PopulateAsync(SquareMake())).SuccessCount, Is.EqualTo(1));
            var row = (await QueryAsync($"SELECT _job_start_time, _job_duration, _job_version FROM `{Schema.Database}`.`__square`")).Single();
            Assert.That((DateTime)row[0]!, Is.GreaterThan(before).And.LessThan(DateTime.Now.AddSeconds(1)));
            Assert.That(Convert.ToDouble(row[1]), Is.GreaterThan(0).And.LessThan(30));
            Assert.That(row[2], Is.EqualTo(""));
            Assert.That((await square.FetchAsync()).Single().Keys, Is.EquivalentTo(new[] { "subject_id", "sq" }), "hidden columns stay hidden");
        }

        [Test]
        public async Task KeySource_JoinsPrimaryParents_ProjectingRenamedForeignKeysBack()
        {
            var (subject, _) = await DeclareAsync(3);
            var probe = await Schema.DeclareAsync("Probe", TableTier.Manual, "probe_id : int16");
            await probe.InsertAsync(new[] { new { probe_id = (short)7 }, new { probe_id = (short)8 } });
            var pair = await Schema.DeclareAsync("Pair", TableTier.Computed, "-> Subject.proj(source_id='subject_id')\n-> Probe\n---\nlabel : varchar(16)");
            var keySource = await pair.KeySourceAsync();
            Assert.That(keySource.PrimaryKey, Is.EquivalentTo(new[] { "source_id", "probe_id" }));
            Assert.That(await keySource.CountAsync(), Is.EqualTo(6));
            var made = new List<(int, short)>();
            await pair.PopulateAsync(async (c, ct) =>
            {
                made.Add(((int)c.Key["source_id"]!, (short)c.Key["probe_id"]!));
                await c.Insert1Async(new { source_id = c.Key["source_id"], probe_id = c.Key["probe_id"], label = "x" }, cancellationToken: ct);
            }, new PopulateOptions { Restrictions = [new { probe_id = (short)8 }] });
            Assert.That(made, Is.EquivalentTo(new[] { (1, (short)8), (2, (short)8), (3, (short)8) }));
            Assert.That(await pair.ProgressAsync(), Is.EqualTo((3L, 6L)));

            // An overridden key source: only subjects named "s2".
            var custom = keySource & (subject & new { name = "s2" }).Proj("source_id=subject_id");
            var customMade = await pair.PopulateAsync((c, ct) => c.Insert1Async(
                new { source_id = c.Key["source_id"], probe_id = c.Key["probe_id"], label = "y" }, cancellationToken: ct), keySource: custom);
            Assert.That(customMade.SuccessCount, Is.EqualTo(1));
            Assert.That(await pair.ProgressAsync([], custom, default), Is.EqualTo((0L, 2L)));
        }

        [Test]
        public async Task JobsWrittenByAPythonWorker_AreServed_AndItsReservationIsLeftAlone()
        {
            var (_, square) = await DeclareAsync(4);
            var jobs = await square.JobsAsync();
            // What DataJoint Python's refresh and reserve leave in the table (spec §3.5), written here as plain SQL.
            var db = Schema.Database;
            await ExecAsync($"INSERT INTO `{db}`.`~~square` (subject_id, status, priority, scheduled_time) VALUES " +
                            "(1, 'pending', 5, CURRENT_TIMESTAMP(3) - INTERVAL 1 SECOND), (2, 'pending', 1, CURRENT_TIMESTAMP(3) - INTERVAL 1 SECOND), " +
                            "(3, 'pending', 5, CURRENT_TIMESTAMP(3) + INTERVAL 1 HOUR)");
            await ExecAsync($"INSERT INTO `{db}`.`~~square` (subject_id, status, priority, reserved_time, host, pid, user, connection_id) " +
                            "VALUES (4, 'reserved', 5, CURRENT_TIMESTAMP(3), 'python-host', 4242, 'root@10.0.0.9', 99)");
            var made = new List<int>();
            var result = await square.PopulateAsync(SquareMake(made), new PopulateOptions { ReserveJobs = true, Refresh = false });
            Assert.That(made, Is.EqualTo(new[] { 2, 1 }), "due jobs only, most urgent (lowest priority) first");
            Assert.That(result.SuccessCount, Is.EqualTo(2));
            var left = (await jobs.Table.FetchAsync(new FetchOptions { OrderBy = ["subject_id"] })).Select(r => (r["subject_id"], r["status"], r["host"])).ToList();
            Assert.That(left, Is.EqualTo(new[] { ((object?)3, (object?)"pending", (object?)""), (4, "reserved", "python-host") }));
        }

        [Test]
        public async Task AnErrorThatCannotBeRecorded_StopsThePopulate_WithBothErrors()
        {
            var (_, square) = await DeclareAsync(2);
            await square.JobsAsync();
            MakeHandler make = async (context, ct) =>
            {
                // Another client breaks the job table while the make runs.
                await ExecAsync($"ALTER TABLE `{Schema.Database}`.`~~square` CHANGE `error_message` `msg` varchar(2047) NOT NULL DEFAULT ''");
                throw new InvalidOperationException("boom");
            };
            var ex = await Assert.ThrowsAsync<DataJointException>(() =>
                square.PopulateAsync(make, new PopulateOptions { ReserveJobs = true, SuppressErrors = true, MaxCalls = 1 }));
            Assert.That(ex!.Message, Does.Contain("failed (InvalidOperationException: boom) and the error could not be recorded"));
            var both = (AggregateException)ex.InnerException!;
            Assert.That(both.InnerExceptions[0], Is.InstanceOf<InvalidOperationException>());
            Assert.That(both.InnerExceptions[1], Is.InstanceOf<DataJointException>());
        }

        [Test]
        public async Task DirectInsert_IntoComputedTable_IsRefusedOutsideMake_WithPythonsMessage()
        {
            var (_, square) = await DeclareAsync(1);
            var ex = await Assert.ThrowsAsync<DataJointException>(() => square.Insert1Async(new { subject_id = 1, sq = 1L }));
            Assert.That(ex!.Message, Does.StartWith("Inserts into an auto-populated table can only be done inside its make method during a populate call"));
            Assert.That(ex.Message, Does.Contain("AllowDirectInsert"));
            Assert.That(await square.CountAsync(), Is.Zero);
            await square.Insert1Async(new { subject_id = 1, sq = 1L }, new InsertOptions { AllowDirectInsert = true });
            Assert.That(await square.CountAsync(), Is.EqualTo(1));

            // Inside a make, only the table being populated accepts inserts.
            var other = await Schema.DeclareAsync("Cube", TableTier.Computed, "-> Subject\n---\ncube : int64");
            var err = await Assert.ThrowsAsync<DataJointException>(() => other.PopulateAsync((c, ct) => square.Insert1Async(new { subject_id = 1, sq = 2L }, cancellationToken: ct)));
            Assert.That(err!.Message, Does.Contain("inside its make method"));
        }

        [Test]
        public async Task Populate_RefusesARestrictedTable_AndManualTables()
        {
            var (subject, square) = await DeclareAsync(1);
            var ex = await Assert.ThrowsAsync<DataJointException>(() => (square & new { subject_id = 1 }).PopulateAsync(SquareMake()));
            Assert.That(ex!.Message, Does.StartWith("Cannot call populate on a restricted table"));
            await Assert.ThrowsAsync<DataJointException>(() => subject.PopulateAsync(SquareMake()));
        }

        [Test]
        public async Task Cancellation_RollsBackTheCurrentKey_AndReleasesItsReservation()
        {
            var (_, square) = await DeclareAsync(3);
            using var cts = new CancellationTokenSource();
            var made = new List<int>();
            MakeHandler make = async (context, ct) =>
            {
                var id = (int)context.Key["subject_id"]!;
                await context.Insert1Async(new { subject_id = id, sq = (long)id * id }, cancellationToken: ct);
                if (id == 2)
                {
                    cts.Cancel();
                    await Task.Delay(TimeSpan.FromMinutes(1), ct);
                }
                made.Add(id);
            };
            await Assert.CatchAsync<OperationCanceledException>(() => square.PopulateAsync(make, new PopulateOptions { ReserveJobs = true }, cancellationToken: cts.Token));
            Assert.That(made, Is.EqualTo(new[] { 1 }));
            Assert.That((await square.FetchAsync("subject_id")).Select(r => r["subject_id"]), Is.EqualTo(new object[] { 1 }), "key 2's insert rolled back");
            var jobs = await square.JobsAsync();
            Assert.That(await jobs.Reserved.CountAsync(), Is.Zero, "no stale reservation");
            Assert.That(await jobs.Pending.CountAsync(), Is.EqualTo(2), "keys 2 and 3 wait for the next populate");
            Assert.That((await square.PopulateAsync(SquareMake(), new PopulateOptions { ReserveJobs = true })).SuccessCount, Is.EqualTo(2));
        }

        [Test]
        public async Task TypedMake_ReceivesTheGeneratedKey_AndInsertsRows()
        {
            var animals = await Animal.TableAsync(Schema);
            await animals.InsertAsync([new Animal.Row { AnimalId = 1, Weight = 5 }, new Animal.Row { AnimalId = 2, Weight = 20 }]);
            var weights = await WeightClass.TableAsync(Schema);
            lock (WeightClass.Made) WeightClass.Made.Clear();
            var result = await weights.PopulateAsync();
            Assert.That(result.SuccessCount, Is.EqualTo(2));
            var rows = await weights.FetchAsync();
            Assert.That(rows.OrderBy(r => r.AnimalId).Select(r => r.Heavy), Is.EqualTo(new[] { false, true }));
            Assert.That(await weights.ProgressAsync(), Is.EqualTo((0L, 2L)));
        }

        [Test]
        public async Task LookupContents_AreInsertedOnDeclare_SkippingDuplicates()
        {
            var species = await Species.TableAsync(Schema);
            Assert.That((await species.FetchAsync()).Select(r => r.SpeciesName), Is.EquivalentTo(new[] { "mouse", "fly" }));
            var again = await Schema.ActivateAsync(Connection, Schema.Database);
            var reopened = await Species.TableAsync(again);
            Assert.That(await reopened.CountAsync(), Is.EqualTo(2));
        }

        [Test]
        public async Task Tripartite_ComputesOutsideTheTransaction_AndDetectsUpstreamChanges()
        {
            var (subject, square) = await DeclareAsync(2);
            var make = new TripartiteMake<string, long>(
                async (context, ct) => (await (subject & context.Key).Fetch1Async(cancellationToken: ct)).Get<string>("name")!,
                async (key, name, ct) =>
                {
                    var id = (int)key["subject_id"]!;
                    if (id == 2)
                    {
                        // Upstream changes while the computation runs (outside the make's transaction).
                        await ExecAsync($"UPDATE `{Schema.Database}`.`subject` SET name = 'changed' WHERE subject_id = 2");
                    }
                    return (long)name.Length * 100 + id;
                },
                (context, sq, ct) => context.Insert1Async(new { subject_id = context.Key["subject_id"], sq }, cancellationToken: ct));
            var result = await square.PopulateAsync(make, new PopulateOptions { SuppressErrors = true });
            Assert.That(result.SuccessCount, Is.EqualTo(1));
            Assert.That((await (square & new { subject_id = 1 }).Fetch1Async()).Get<long>("sq"), Is.EqualTo(201));
            Assert.That(result.Errors.Single().Message, Is.EqualTo("DataJointException: Referential integrity failed! The `make_fetch` data has changed"));
            Assert.That(await (square & new { subject_id = 2 }).CountAsync(), Is.Zero);
            // Nothing changes now: the next populate makes key 2 from the new data.
            Assert.That((await square.PopulateAsync(make)).SuccessCount, Is.EqualTo(1));
            Assert.That((await (square & new { subject_id = 2 }).Fetch1Async()).Get<long>("sq"), Is.EqualTo(702));
        }

        /// <summary>IProgress that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
        private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
        {
            public void Report(T value) => report(value);
        }
    }
}
