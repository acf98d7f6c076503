namespace DataJoint.BuiltIn;

/// <summary>
/// <c>&lt;attach&gt;</c> / <c>&lt;attach@store&gt;</c>: a file, stored as <c>UTF-8(file name) + 0x00 + contents</c>
/// (spec §5.2), in-table as bytes or through <c>&lt;hash@store&gt;</c>. Fetch writes the file to
/// <see cref="DecodeContext.DownloadPath"/> and returns its local path.
/// </summary>
[Codec("attach", InTable = "bytes", InStore = "<hash>")]
public sealed partial class AttachCodec : Codec<string, byte[]>
{
    /// <inheritdoc/>
    protected override void Validate(string value)
    {
        if (string.IsNullOrEmpty(value)) throw new DataJointException("<attach> expects a file path, got an empty string");
    }

    /// <inheritdoc/>
    protected override byte[] Encode(string value, EncodeContext context)
    {
        if (Directory.Exists(value)) throw new DataJointException($"<attach> does not support directories: {value}");
        if (!File.Exists(value)) throw new DataJointException($"Attachment file not found: {value}", new FileNotFoundException(null, value));
        var name = System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(value));
        var contents = File.ReadAllBytes(value);
        var result = new byte[name.Length + 1 + contents.Length];
        name.CopyTo(result, 0);
        contents.CopyTo(result, name.Length + 1);
        return result;
    }

    /// <inheritdoc/>
    protected override string Decode(byte[] stored, DecodeContext context) =>
        // the chain names the attribute and table around this message (CodecException)
        DataJoint.Stores.AttachEncoding.Save(stored, context.DownloadPath ?? ".", "<attach> value");
}
