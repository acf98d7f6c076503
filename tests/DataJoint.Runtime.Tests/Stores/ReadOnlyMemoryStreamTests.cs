using DataJoint.Stores;

namespace DataJoint.Runtime.Tests.Stores;

/// <summary>The upload stream over a split blob (header + the value's memory) or an .npy file (header + data).</summary>
public class ReadOnlyMemoryStreamTests
{
    [TestCase(1)]
    [TestCase(3)]
    [TestCase(7)]
    [TestCase(4096)]
    public void ReadsBothSegmentsInOrderWhateverTheBufferSize(int bufferSize)
    {
        var head = new byte[] { 1, 2, 3, 4, 5 };
        var tail = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        using var stream = new ReadOnlyMemoryStream(head, tail);
        Assert.That(stream.Length, Is.EqualTo(305));
        var read = new List<byte>();
        var buffer = new byte[bufferSize];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0) read.AddRange(buffer.AsSpan(0, n).ToArray());
        Assert.That(read, Is.EqualTo(head.Concat(tail)));
        Assert.That(stream.Read(buffer, 0, buffer.Length), Is.Zero);
    }

    [Test]
    public async Task SeeksAcrossTheBoundary()
    {
        using var stream = new ReadOnlyMemoryStream(new byte[] { 10, 11 }, new byte[] { 12, 13, 14 });
        stream.Seek(-4, SeekOrigin.End);
        var buffer = new byte[3];
        Assert.That(await stream.ReadAsync(buffer.AsMemory()), Is.EqualTo(3));
        Assert.That(buffer, Is.EqualTo(new byte[] { 11, 12, 13 }));
        stream.Position = 0;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.That(copy.ToArray(), Is.EqualTo(new byte[] { 10, 11, 12, 13, 14 }));
    }
}
