namespace DataJoint.BuiltIn;

/// <summary>The bridge from <see cref="BlobCodec"/> to the blob wire format (<see cref="Blob"/>): pack compressed, unpack without squeeze.</summary>
internal static class BlobFormat
{
    internal static byte[] Pack(object value) => Blob.Pack(value, compress: true);

    internal static object? Unpack(ReadOnlySpan<byte> bytes) => Blob.Unpack(bytes);
}
