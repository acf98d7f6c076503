using DataJoint.Stores;
using DataJoint.Integration.Tests.StoresTables;

namespace DataJoint.Integration.Tests.Populate;

/// <summary>
/// Transactions a program holds, and makes that run in one, against MariaDB and a store (folder and S3): inserts, deletes
/// and fetches commit or roll back together; a rolled-back transaction or a failed make leaves no rows and no
/// <c>_schema/</c> objects; populate and declare are refused inside a transaction.
/// </summary>
[TestFixture("file")]
[TestFixture("s3")]
public class TransactionTests(string protocol) : StoresTablesFixture(protocol)
{
    private Schema _schema = null!;
    private Table _subject = null!;
    private Table _note = null!;

    [SetUp]
    public async Task Declare()
    {
        _schema = await NewSchemaAsync("tx");
        _subject = await _schema.DeclareAsync("Subject", TableTier.Manual, "subject_id : int32\n---\nname : varchar(16)");
        _note = await _schema.DeclareAsync("Note", TableTier.Manual, "-> Subject\nnote_id : int16\n---\ntrace = null : <npy@main>");
        await _subject.InsertAsync(new[] { new { subject_id = 1, name = "a" }, new { subject_id = 2, name = "b" } });
    }

    [Test]
    public async Task InsertsDeletesAndFetches_CommitTogether_AndAreInvisibleOutsideUntilThen()
    {
        await using (var tx = Connection.BeginTransaction())
        {
            await _subject.Insert1Async(new { subject_id = 3, name = "c" });
            await _note.Insert1Async(new { subject_id = 3, note_id = (short)1, trace = new double[] { 1, 2, 3 } });
            await (_subject & new { subject_id = 2 }).DeleteAsync();
            Assert.That((await _subject.FetchAsync("subject_id")).Select(r => r["subject_id"]), Is.EquivalentTo(new object[] { 1, 3 }),
                "a fetch inside the transaction sees its own changes");
            Assert.That(await ExecuteScalarOnOtherConnectionAsync($"SELECT COUNT(*) FROM `{_schema.Database}`.`subject`"), Is.EqualTo(2),
                "another connection sees nothing yet");
            await tx.CommitAsync();
            Assert.That(tx.IsActive, Is.False);
        }
        Assert.That(await _subject.CountAsync(), Is.EqualTo(2));
        Assert.That((await _subject.FetchAsync("subject_id")).Select(r => r["subject_id"]), Is.EquivalentTo(new object[] { 1, 3 }));
        Assert.That(await _note.CountAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task DisposedWithoutCommit_RollsBack_AndDeletesTheUploadedObjects()
    {
        await using (var tx = Connection.BeginTransaction())
        {
            await _note.Insert1Async(new { subject_id = 1, note_id = (short)1, trace = new double[] { 1, 2, 3 } });
            await (_subject & new { subject_id = 2 }).DeleteAsync();
            Assert.That(await ListAsync($"_schema/{_schema.Database}/"), Is.Not.Empty, "the .npy object was uploaded");
        }
        Assert.That(await _note.CountAsync(), Is.Zero);
        Assert.That(await _subject.CountAsync(), Is.EqualTo(2));
        Assert.That(await ListAsync($"_schema/{_schema.Database}/"), Is.Empty);
    }

    [Test]
    public async Task TransactionAsync_CommitsOnReturn_RollsBackAndRethrowsOnError()
    {
        var n = await Connection.TransactionAsync(async ct =>
        {
            await _subject.Insert1Async(new { subject_id = 5, name = "e" }, cancellationToken: ct);
            return await _subject.CountAsync(ct);
        });
        Assert.That(n, Is.EqualTo(3));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Connection.TransactionAsync(async ct =>
        {
            await _subject.Insert1Async(new { subject_id = 6, name = "f" }, cancellationToken: ct);
            await _note.Insert1Async(new { subject_id = 6, note_id = (short)1, trace = new double[] { 4 } }, cancellationToken: ct);
            throw new InvalidOperationException("changed my mind");
        }));
        Assert.That(ex!.Message, Is.EqualTo("changed my mind"));
        Assert.That(await (_subject & new { subject_id = 6 }).CountAsync(), Is.Zero);
        Assert.That(await ListAsync($"_schema/{_schema.Database}/"), Is.Empty);
        Assert.That(await _subject.CountAsync(), Is.EqualTo(3));
    }

    [Test]
    public async Task PopulateAndDeclare_AreRefusedInsideATransaction()
    {
        var computed = await _schema.DeclareAsync("Summary", TableTier.Computed, "-> Subject\n---\nlength : int32");
        await using var tx = Connection.BeginTransaction();
        var ex = await Assert.ThrowsAsync<DataJointException>(() => computed.PopulateAsync((c, ct) => Task.CompletedTask));
        Assert.That(ex!.Message, Is.EqualTo("Populate cannot be called during a transaction."));
        var declare = await Assert.ThrowsAsync<DataJointException>(() => _schema.DeclareAsync("Other", TableTier.Manual, "x : int32"));
        Assert.That(declare!.Message, Does.StartWith("Cannot declare new tables inside a transaction"));
        Assert.Throws<DataJointException>(() => Connection.BeginTransaction(), "one transaction per connection and flow");
    }

    [Test]
    public async Task Make_WithPartAndStoreAttribute_FailsWithoutTrace_RecordsThePythonError_AndIsMadeAfterTheFix()
    {
        var analysis = await _schema.DeclareAsync("Analysis", TableTier.Computed, "-> Subject\n---\ntrace : <npy@main>\ntotal : float64");
        var unit = await _schema.DeclareAsync("Unit", TableTier.Part, "-> master\nunit_id : int16\n---\nspikes : <npy@main>", "Analysis");
        var broken = true;
        MakeHandler make = async (context, ct) =>
        {
            var id = (int)context.Key["subject_id"]!;
            var trace = Enumerable.Range(0, 100).Select(i => (double)(i * id)).ToArray();
            await context.Insert1Async(new { subject_id = id, trace, total = trace.Sum() }, cancellationToken: ct);
            var part = await context.PartAsync("Unit", ct);
            await part.InsertAsync(Enumerable.Range(1, 3).Select(u => new { subject_id = id, unit_id = (short)u, spikes = new double[] { u, id } }),
                cancellationToken: ct);
            if (broken && id == 2) throw new ArgumentException($"subject {id} has no good units");
        };
        var result = await analysis.PopulateAsync(make, new PopulateOptions { ReserveJobs = true, SuppressErrors = true });
        Assert.That(result.SuccessCount, Is.EqualTo(1));
        Assert.That((await analysis.FetchAsync("subject_id")).Select(r => r["subject_id"]), Is.EqualTo(new object[] { 1 }));
        Assert.That(await (unit & new { subject_id = 2 }).CountAsync(), Is.Zero, "master and part rows roll back together");
        Assert.That(await unit.CountAsync(), Is.EqualTo(3));
        var objects = await ListAsync($"_schema/{_schema.Database}/");
        Assert.That(objects, Has.Count.EqualTo(4), "only subject 1's trace and its three units stay: " + string.Join(", ", objects));
        Assert.That(objects, Has.None.Contains("subject_id=2"));

        var jobs = await analysis.JobsAsync();
        var error = (await jobs.Errors.FetchAsync()).Single();
        Assert.That(error["error_message"], Is.EqualTo("ArgumentException: subject 2 has no good units"));
        Assert.That((string)error["error_stack"]!, Does.Contain("System.ArgumentException: subject 2 has no good units"));

        broken = false;
        await jobs.Errors.DeleteQuickAsync();
        Assert.That((await analysis.PopulateAsync(make, new PopulateOptions { ReserveJobs = true })).SuccessCount, Is.EqualTo(1));
        Assert.That(await unit.CountAsync(), Is.EqualTo(6));
        var trace2 = (NpyRef)(await (analysis & new { subject_id = 2 }).Fetch1Async())["trace"]!;
        Assert.That(trace2.Shape, Is.EqualTo(new long[] { 100 }));
        Assert.That(await ListAsync($"_schema/{_schema.Database}/"), Has.Count.EqualTo(8));
        Assert.That(await jobs.Table.CountAsync(), Is.Zero);
    }

    private async Task<long> ExecuteScalarOnOtherConnectionAsync(string sql)
    {
        // A fresh DataJointConnection: no transaction of this flow applies to it.
        var other = new DataJointConnection(TestServices.Database);
        await using var conn = await other.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
