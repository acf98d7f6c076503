using DataJoint.Stores;

namespace DataJoint.Runtime.Tests.Tables;

/// <summary>
/// The write session without a server: which session an operation joins, and which uploaded objects a rollback
/// removes (schema-addressed objects of the failed operation or session; hash-addressed objects stay for GC). The
/// database side (transactions, savepoints, reads inside a session) is covered by the integration tests.
/// </summary>
public class WriteSessionTests
{
    private string _folder = null!;
    private StoreProvider _stores = null!;

    [SetUp]
    public void CreateStore()
    {
        _folder = Directory.CreateTempSubdirectory("djnet-session-").FullName;
        _stores = new StoreProvider([new LocalObjectStore(StoreSpec.LocalFolder("main", _folder))], defaultStore: "main");
    }

    [TearDown]
    public void RemoveStore()
    {
        _stores.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static DataJointConnection NewConnection() => new(new ConnectionSettings());

    private static async Task PutAsync(UploadTracker uploads, string path)
    {
        using var content = new MemoryStream([1, 2, 3]);
        await uploads.GetStore("main").PutAsync(path, content, 3);
    }

    private bool Exists(string path) => File.Exists(Path.Combine(_folder, path));

    [Test]
    public async Task OperationsJoinTheAmbientSessionOfTheirOwnConnection_UntilItEnds()
    {
        var a = NewConnection();
        var b = NewConnection();
        Assert.That(WriteSession.Current(a), Is.Null);
        await using (var alone = WriteSession.Enter(a))
            Assert.That(WriteSession.Current(a), Is.Null, "an operation outside a session gets a session of its own, not an ambient one");

        var session = WriteSession.Begin(a, ambient: true);
        Assert.That(WriteSession.Current(a), Is.SameAs(session));
        await using (var joined = WriteSession.Enter(a)) Assert.That(joined.Session, Is.SameAs(session));
        await using (var other = WriteSession.Enter(b)) Assert.That(other.Session, Is.Not.SameAs(session), "another connection does not join");
        Assert.Throws<DataJointException>(() => WriteSession.Begin(a, ambient: true), "one transaction at a time per connection");

        await session.CommitAsync();
        Assert.That(WriteSession.Current(a), Is.Null, "an ended session is no longer joined");
        Assert.That(session.IsActive, Is.False);
        var ex = Assert.Throws<DataJointException>(() => session.TrackUploads(_stores, 1, CancellationToken.None));
        Assert.That(ex!.Message, Does.Contain("has already ended"));
        await session.DisposeAsync();
    }

    [Test]
    public async Task AFailedJoinedOperation_RemovesOnlyItsOwnSchemaObjects_TheSessionRollbackRemovesTheRest()
    {
        var connection = NewConnection();
        await using var session = WriteSession.Begin(connection, ambient: true);

        await using (var first = WriteSession.Enter(connection))
        {
            await PutAsync(first.TrackUploads(_stores, 2, CancellationToken.None), "_schema/lab/t/id=1/a.dat");
            await first.CompleteAsync(CancellationToken.None);
        }
        await using (var second = WriteSession.Enter(connection))
        {
            var uploads = second.TrackUploads(_stores, 2, CancellationToken.None);
            await PutAsync(uploads, "_schema/lab/t/id=2/b.dat");
            await PutAsync(uploads, "_hash/lab/abcdefghijklmnopqrstuvwxyz");
            await second.FailAsync();
        }
        Assert.That(Exists("_schema/lab/t/id=2/b.dat"), Is.False, "the failed operation's object is removed");
        Assert.That(Exists("_hash/lab/abcdefghijklmnopqrstuvwxyz"), Is.True, "hash-addressed objects are left for GC");
        Assert.That(Exists("_schema/lab/t/id=1/a.dat"), Is.True, "the completed operation's object stays while the session is open");
        Assert.That(session.IsActive, Is.True, "a failed operation leaves the session usable");

        await session.RollbackAsync();
        Assert.That(Exists("_schema/lab/t/id=1/a.dat"), Is.False, "rolling the session back removes every operation's objects");
    }

    [Test]
    public async Task AnOperationDisposedWithoutCompleting_IsUndone_AndACommittedSessionKeepsItsObjects()
    {
        var connection = NewConnection();
        await using (var operation = WriteSession.Enter(connection))
            await PutAsync(operation.TrackUploads(_stores, 1, CancellationToken.None), "_schema/lab/t/id=3/c.dat");
        Assert.That(Exists("_schema/lab/t/id=3/c.dat"), Is.False, "an abandoned operation (an exception escaped) removes its objects");

        await using (var operation = WriteSession.Enter(connection))
        {
            await PutAsync(operation.TrackUploads(_stores, 1, CancellationToken.None), "_schema/lab/t/id=4/d.dat");
            await operation.CompleteAsync(CancellationToken.None);
        }
        Assert.That(Exists("_schema/lab/t/id=4/d.dat"), Is.True);
    }
}
