using System.Text;

namespace DataJoint.Integration.Tests.StoresTables;

/// <summary>
/// Several inserts, deletes and fetches on one connection joined into one write session (the base of user-held
/// transactions, DataJoint Python's <c>with conn.transaction:</c>): rows are visible inside before the commit and to
/// nobody else, a rollback undoes every row and removes the <c>_schema/</c> objects of every operation, a failing
/// operation is undone to its savepoint while the session goes on.
/// </summary>
[TestFixture("file")]
[TestFixture("s3")]
public class WriteSessionTests(string protocol) : StoresTablesFixture(protocol)
{
    private async Task<(Table Parent, Table Child)> DeclareAsync(string purpose)
    {
        var schema = await NewSchemaAsync(purpose);
        var parent = await schema.DeclareAsync("Subject", TableTier.Manual, """
            subject_id : int32
            ---
            name : varchar(16)
            """);
        var child = await schema.DeclareAsync("Scan", TableTier.Manual, """
            -> Subject
            scan_id : int32
            ---
            obj = null : <object@main>
            """);
        return (parent, child);
    }

    private static Task<long> CountElsewhereAsync(Table table) =>
        new Table(new DataJointConnection(table.Connection.Settings), table.Dialect, table.Database, table.Name, table.TableHeading).CountAsync();

    [Test]
    public async Task InsertsDeletesAndFetchesJoinTheSession_ARollbackUndoesRowsAndSchemaObjects()
    {
        var (parent, child) = await DeclareAsync("sessrb");
        await using (var session = WriteSession.Begin(Connection, ambient: true))
        {
            await parent.InsertAsync([new { subject_id = 1, name = "a" }, new { subject_id = 2, name = "b" }]);
            await child.Insert1Async(new { subject_id = 1, scan_id = 1, obj = Encoding.UTF8.GetBytes("scan one") });
            Assert.That(await ListAsync("_schema/"), Has.Count.EqualTo(1), "the object is uploaded before its row is written");
            Assert.That(await (parent & new { subject_id = 2 }).DeleteAsync(), Is.EqualTo(1));

            Assert.That(await parent.CountAsync(), Is.EqualTo(1), "a fetch inside the session sees its uncommitted rows");
            Assert.That((await child.FetchAsync()).Single()["scan_id"], Is.EqualTo(1));
            Assert.That(await CountElsewhereAsync(parent), Is.Zero, "another connection sees nothing before the commit");
            await session.RollbackAsync();
        }
        Assert.That(await parent.CountAsync(), Is.Zero);
        Assert.That(await child.CountAsync(), Is.Zero);
        Assert.That(await ListAsync("_schema/"), Is.Empty, "the rollback removes the objects the session's inserts uploaded");
    }

    [Test]
    public async Task ACommittedSessionWritesEverything_AFailedOperationInsideIsUndoneToItsSavepoint()
    {
        var (parent, child) = await DeclareAsync("sesscm");
        await parent.Insert1Async(new { subject_id = 9, name = "old" });
        await using (var session = WriteSession.Begin(Connection, ambient: true))
        {
            await parent.Insert1Async(new { subject_id = 1, name = "a" });
            await child.Insert1Async(new { subject_id = 1, scan_id = 1, obj = Encoding.UTF8.GetBytes("kept") });

            // One statement writes a good row and then hits a duplicate: the whole operation is undone, nothing else.
            var dup = await Assert.ThrowsAsync<DuplicateEntryException>(() => parent.InsertAsync([new { subject_id = 2, name = "b" }, new { subject_id = 9, name = "dup" }]));
            Assert.That(dup!.Message, Does.Contain("Duplicate entry"));
            // Its objects are uploaded, then its row hits the existing key: the objects go with the operation.
            await Assert.ThrowsAsync<DuplicateEntryException>(() => child.InsertAsync(
            [
                new { subject_id = 1, scan_id = 2, obj = Encoding.UTF8.GetBytes("uploaded, then undone") },
                new { subject_id = 1, scan_id = 1, obj = Encoding.UTF8.GetBytes("uploaded, then undone too") },
            ]));
            Assert.That(await parent.CountAsync(), Is.EqualTo(2), "the failed insert's good row is rolled back to its savepoint");
            Assert.That(await ListAsync("_schema/"), Has.Count.EqualTo(1), "the failed insert's objects are removed, the earlier one stays");
            await session.CommitAsync();
        }
        Assert.That(await CountElsewhereAsync(parent), Is.EqualTo(2));
        Assert.That((await parent.FetchAsync(new FetchOptions { OrderBy = ["subject_id"] })).Select(r => r["name"]), Is.EqualTo(new[] { "a", "old" }));
        Assert.That(await child.CountAsync(), Is.EqualTo(1));
        Assert.That(await ListAsync("_schema/"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ASessionDisposedWithoutCommit_RollsBackRowsAndObjects_AndEndsForItsConnection()
    {
        var (parent, child) = await DeclareAsync("sessdp");
        await using (WriteSession.Begin(Connection, ambient: true))
        {
            await parent.Insert1Async(new { subject_id = 1, name = "a" });
            await child.Insert1Async(new { subject_id = 1, scan_id = 1, obj = Encoding.UTF8.GetBytes("left behind?") });
            Assert.That(await ListAsync("_schema/"), Has.Count.EqualTo(1));
            // an exception here would end the block the same way: nothing committed
        }
        Assert.That(WriteSession.Current(Connection), Is.Null, "the session ended with its block");
        Assert.That(await parent.CountAsync(), Is.Zero);
        Assert.That(await child.CountAsync(), Is.Zero);
        Assert.That(await ListAsync("_schema/"), Is.Empty, "disposing an uncommitted session removes its uploads");

        // Operations after the session run in sessions of their own again and commit on their own.
        await parent.Insert1Async(new { subject_id = 2, name = "b" });
        Assert.That(await CountElsewhereAsync(parent), Is.EqualTo(1));
    }

    [Test]
    public async Task ACommittedSessionIsFinal_ASecondSessionOnTheSameConnectionIsRefusedWhileOneRuns()
    {
        var (parent, child) = await DeclareAsync("sessfn");
        await using (var session = WriteSession.Begin(Connection, ambient: true))
        {
            var nested = Assert.Throws<DataJointException>(() => WriteSession.Begin(Connection, ambient: true));
            Assert.That(nested!.Message, Does.Contain("A transaction is already in progress"));
            await child.InsertAsync(Array.Empty<object>());   // an insert of no rows joins and writes nothing
            await parent.Insert1Async(new { subject_id = 1, name = "a" });
            await child.Insert1Async(new { subject_id = 1, scan_id = 1, obj = Encoding.UTF8.GetBytes("committed") });
            await session.CommitAsync();

            await session.RollbackAsync();   // after COMMIT nothing is undone, and no uploaded object is deleted
            var ended = await Assert.ThrowsAsync<DataJointException>(() => session.CommitAsync());
            Assert.That(ended!.Message, Does.Contain("has already ended"));
        }
        Assert.That(await CountElsewhereAsync(parent), Is.EqualTo(1));
        Assert.That(await child.CountAsync(), Is.EqualTo(1));
        Assert.That(await ListAsync("_schema/"), Has.Count.EqualTo(1), "a committed session's objects stay");
    }
}
