using System.Security.Cryptography;
using System.Text;
using DataJoint.Stores;

namespace DataJoint.Integration.Tests.Stores;

[TestFixture("file")]
[TestFixture("s3")]
public class ObjectStoreTests(string protocol) : StoreFixture(protocol)
{
    [Test]
    public async Task PutGetSizeListDelete()
    {
        var a = Encoding.UTF8.GetBytes("alpha");
        var b = RandomNumberGenerator.GetBytes(70_000);
        using (var s = new MemoryStream(a)) await Store.PutAsync("dir/a.txt", s, a.Length);
        using (var s = new MemoryStream(b)) await Store.PutAsync("dir/sub/b.bin", s, null);
        using (var s = new MemoryStream(a)) await Store.PutAsync("other/c.txt", s, a.Length);

        Assert.That(await ReadAll(await Store.OpenReadAsync("dir/a.txt")), Is.EqualTo(a));
        Assert.That(await ReadAll(await Store.OpenReadAsync("dir/sub/b.bin")), Is.EqualTo(b));
        Assert.That(await Store.GetSizeAsync("dir/sub/b.bin"), Is.EqualTo(70_000));
        Assert.That(await Store.GetSizeAsync("dir/none"), Is.Null);

        var listed = await ListAll("dir/");
        Assert.That(listed, Is.EqualTo(new[] { new StoreObjectInfo("dir/a.txt", 5), new StoreObjectInfo("dir/sub/b.bin", 70_000) }));
        Assert.That((await ListAll()).Select(o => o.Path), Is.EquivalentTo(new[] { "dir/a.txt", "dir/sub/b.bin", "other/c.txt" }));

        // Overwrite, then delete (a missing object is not an error).
        var a2 = Encoding.UTF8.GetBytes("alpha, rewritten");
        using (var s = new MemoryStream(a2)) await Store.PutAsync("dir/a.txt", s, a2.Length);
        Assert.That(await ReadAll(await Store.OpenReadAsync("dir/a.txt")), Is.EqualTo(a2));
        await Store.DeleteAsync("dir/a.txt");
        await Store.DeleteAsync("dir/a.txt");
        Assert.That(await Store.GetSizeAsync("dir/a.txt"), Is.Null);
        Assert.That((await ListAll("dir/")).Select(o => o.Path), Is.EqualTo(new[] { "dir/sub/b.bin" }));
    }

    [Test]
    public async Task MissingObjectNamesStoreAndPath()
    {
        var ex = await Assert.ThrowsAsync<MissingExternalFileException>(() => Store.OpenReadAsync("nothing/here.bin"));
        Assert.That((ex!.Store, ex.ObjectPath), Is.EqualTo((Store.Name, "nothing/here.bin")));
        Assert.That(ex!.Message, Does.StartWith("Missing external file "));
        Assert.That(ex.Message, Does.Contain("nothing/here.bin").And.Contain($"store '{Store.Name}'"));
    }

    [Test]
    public async Task StreamsLargeObjectsOfUnknownLength()
    {
        // 12 MB from a non-seekable source: S3 takes the multipart path; the file store streams to its temp file.
        var data = RandomNumberGenerator.GetBytes(12 * 1024 * 1024);
        await using (var source = new NonSeekable(new MemoryStream(data)))
            await Store.PutAsync("big/blob.bin", source, null);
        Assert.That(await Store.GetSizeAsync("big/blob.bin"), Is.EqualTo(data.Length));
        await using var read = await Store.OpenReadAsync("big/blob.bin");
        Assert.That(MD5.HashData(await ReadAll(read)), Is.EqualTo(MD5.HashData(data)));
    }

    [Test]
    public async Task DisposingAPartlyReadStreamReleasesIt()
    {
        var data = RandomNumberGenerator.GetBytes(1 << 20);
        using (var s = new MemoryStream(data)) await Store.PutAsync("p/x.bin", s, data.Length);
        for (var i = 0; i < 3; i++)
        {
            await using var stream = await Store.OpenReadAsync("p/x.bin");
            var head = new byte[100];
            await stream.ReadExactlyAsync(head);
            Assert.That(head, Is.EqualTo(data[..100]));
        }
        await Store.DeleteAsync("p/x.bin");
        Assert.That(await Store.GetSizeAsync("p/x.bin"), Is.Null);
    }

    private sealed class NonSeekable(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
