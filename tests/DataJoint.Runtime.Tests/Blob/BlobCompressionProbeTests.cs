namespace DataJoint.Runtime.Tests.Blob;

/// <summary>The compressibility probe for large blobs: incompressible values skip the full deflate.</summary>
public class BlobCompressionProbeTests
{
    [Test]
    public void LargeIncompressibleValue_IsStoredUncompressed_AndRoundTrips()
    {
        var noise = new byte[1 << 20];
        new Random(7).NextBytes(noise);
        var packed = DataJoint.Blob.Pack(noise);
        Assert.That(DataJoint.Blob.IsCompressed(packed), Is.False);
        Assert.That(packed, Is.EqualTo(DataJoint.Blob.Pack(noise, compress: false)));
        Assert.That(DataJoint.Blob.Unpack(packed), Is.EqualTo(noise));
    }

    [Test]
    public void LargeCompressibleValue_IsCompressed_AndRoundTrips()
    {
        var ramp = new double[200_000];
        for (int i = 0; i < ramp.Length; i++) ramp[i] = i % 100;
        var packed = DataJoint.Blob.Pack(ramp);
        Assert.That(DataJoint.Blob.IsCompressed(packed), Is.True);
        Assert.That(packed.Length, Is.LessThan(ramp.Length * 8 / 4));
        Assert.That(DataJoint.Blob.Unpack<double[]>(packed), Is.EqualTo(ramp));
    }

    [Test]
    public void LargeValueWithNoisyHead_IsStillCompressed()
    {
        // The probe samples slices across the whole value, not only its head: a noisy header block does not
        // hide a compressible body.
        var value = new byte[1 << 20];
        new Random(11).NextBytes(value.AsSpan(0, 64 * 1024));
        for (int i = 64 * 1024; i < value.Length; i++) value[i] = (byte)(i % 7);
        var packed = DataJoint.Blob.Pack(value);
        Assert.That(DataJoint.Blob.IsCompressed(packed), Is.True);
        Assert.That(packed.Length, Is.LessThan(value.Length / 4));
        Assert.That(DataJoint.Blob.Unpack(packed), Is.EqualTo(value));
    }

    [Test]
    public void SmallIncompressibleValue_StillFollowsPythonsRule()
    {
        // Below the probe size the whole value is tried, exactly as DataJoint Python does.
        var noise = new byte[100_000];
        new Random(3).NextBytes(noise);
        Assert.That(noise.Length, Is.LessThan(BlobCompression.ProbeMinLength));
        Assert.That(DataJoint.Blob.IsCompressed(DataJoint.Blob.Pack(noise)), Is.False);
    }
}
