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
    protected override string Decode(byte[] stored, DecodeContext context)
    {
        var zero = Array.IndexOf(stored, (byte)0);
        if (zero < 0) throw new DataJointException($"<attach> value of attribute '{context.Attribute ?? "?"}' has no file name separator (0x00).");
        var fileName = Path.GetFileName(System.Text.Encoding.UTF8.GetString(stored, 0, zero));
        var contents = stored.AsSpan(zero + 1);
        var folder = context.DownloadPath ?? ".";
        Directory.CreateDirectory(folder);
        var stem = Path.GetFileNameWithoutExtension(fileName);
        var ext = Path.GetExtension(fileName);
        var candidate = Path.Combine(folder, fileName);
        for (var i = 1; File.Exists(candidate); i++)
        {
            if (File.ReadAllBytes(candidate).AsSpan().SequenceEqual(contents)) return candidate;
            candidate = Path.Combine(folder, $"{stem}_{i}{ext}");
        }
        File.WriteAllBytes(candidate, contents.ToArray());
        return candidate;
    }
}
