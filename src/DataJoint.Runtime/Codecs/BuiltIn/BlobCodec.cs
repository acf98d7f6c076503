namespace DataJoint.BuiltIn;

/// <summary>
/// <c>&lt;blob&gt;</c>: any supported value packed in the DataJoint blob format (spec §5.1). In-table it is stored as
/// <c>bytes</c> (longblob); with <c>@store</c> the packed bytes go through <c>&lt;hash@store&gt;</c>.
/// Records whose codec chains to <c>&lt;blob&gt;</c> arrive here as dicts (generated mappers), so Python reads a dict.
/// </summary>
[Codec("blob", InTable = "bytes", InStore = "<hash>")]
public sealed partial class BlobCodec : Codec<object, byte[]>
{
    /// <inheritdoc/>
    protected override byte[] Encode(object value, EncodeContext context) => BlobFormat.Pack(value);

    /// <inheritdoc/>
    protected override object Decode(byte[] stored, DecodeContext context) =>
        BlobFormat.Unpack(stored) ?? throw new DataJointException($"<blob> of attribute '{context.Attribute ?? "?"}' unpacked to null (unknown protocol).");
}
