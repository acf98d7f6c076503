using System.Text;

namespace DataJoint.Stores;

/// <summary>
/// The <c>&lt;attach&gt;</c> byte layout: UTF-8 file name (no folders) + <c>0x00</c> + file contents
/// (<c>notes.txt</c> with <c>hello</c> → <c>6e6f7465732e7478740068656c6c6f</c>). In-table these bytes fill the longblob;
/// with <c>@store</c> they are the content of a hash-addressed object.
/// </summary>
public static class AttachEncoding
{
    /// <summary>Reads <paramref name="filePath"/> into the attach layout.</summary>
    public static async Task<byte[]> EncodeFileAsync(string filePath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filePath);
        if (Directory.Exists(filePath))
            throw new DataJointException($"<attach> does not support directories: {filePath}");
        if (!File.Exists(filePath))
            throw new DataJointException($"Attachment file not found: {filePath}");
        var content = await File.ReadAllBytesAsync(filePath, cancellationToken).ConfigureAwait(false);
        return Encode(Path.GetFileName(filePath), content);
    }

    /// <summary>File name + NUL + content.</summary>
    public static byte[] Encode(string fileName, ReadOnlySpan<byte> content)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        if (fileName.Length == 0 || fileName.Contains('\0') || fileName.Contains('/') || fileName.Contains('\\'))
            throw new DataJointException($"<attach> needs a plain file name (no folders, no NUL), got '{fileName}'.");
        var nameBytes = Encoding.UTF8.GetBytes(fileName);
        var result = new byte[nameBytes.Length + 1 + content.Length];
        nameBytes.CopyTo(result, 0);
        content.CopyTo(result.AsSpan(nameBytes.Length + 1));
        return result;
    }

    /// <summary>Splits attach bytes at the first NUL into the file name and the content.</summary>
    public static (string FileName, ReadOnlyMemory<byte> Content) Decode(ReadOnlyMemory<byte> stored)
    {
        var nul = stored.Span.IndexOf((byte)0);
        if (nul < 0)
            throw new DataJointException($"<attach> value of {stored.Length} bytes has no NUL byte separating the file name from the content.");
        return (Encoding.UTF8.GetString(stored.Span[..nul]), stored[(nul + 1)..]);
    }

    /// <summary>
    /// Writes the attachment into <paramref name="downloadDirectory"/> and returns the local path: <c>name.ext</c>, or
    /// if a different file of that name exists, <c>name_1.ext</c>, <c>name_2.ext</c>... (an identical file is reused).
    /// </summary>
    public static async Task<string> SaveAsync(ReadOnlyMemory<byte> stored, string downloadDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(downloadDirectory);
        var (name, content) = Decode(stored);
        name = Path.GetFileName(name); // never write outside the download folder
        Directory.CreateDirectory(downloadDirectory);
        var stem = Path.GetFileNameWithoutExtension(name);
        var ext = Path.GetExtension(name);
        for (var i = 0; ; i++)
        {
            var candidate = Path.Combine(downloadDirectory, i == 0 ? name : $"{stem}_{i}{ext}");
            if (!File.Exists(candidate))
            {
                await File.WriteAllBytesAsync(candidate, content, cancellationToken).ConfigureAwait(false);
                return candidate;
            }
            var info = new FileInfo(candidate);
            if (info.Length == content.Length && (await File.ReadAllBytesAsync(candidate, cancellationToken).ConfigureAwait(false)).AsSpan().SequenceEqual(content.Span))
                return candidate;
        }
    }
}
