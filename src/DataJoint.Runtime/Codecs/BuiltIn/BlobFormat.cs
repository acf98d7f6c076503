namespace DataJoint.BuiltIn;

/// <summary>The bridge from <see cref="BlobCodec"/> to the blob wire format implementation.</summary>
internal static class BlobFormat
{
    internal static byte[] Pack(object value) =>
        throw new DataJointException("The <blob> codec cannot pack yet: the blob format implementation is not merged into this build.");

    internal static object? Unpack(byte[] bytes) =>
        throw new DataJointException("The <blob> codec cannot unpack yet: the blob format implementation is not merged into this build.");
}
