using System.Text;

namespace DataJoint.Stores;

/// <summary>
/// The <c>&lt;attach&gt;</c> byte layout: UTF-8 file name (no folders) + <c>0x00</c> + file contents
/// (<c>notes.txt</c> with <c>hello</c> → <c>6e6f7465732e7478740068656c6c6f</c>). In-table these bytes fill the longblob;
/// with <c>@store</c> they are the content of a hash-addressed object.
/// </summary>
internal static class AttachEncoding
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
    /// A stored name that is not a plain file name (empty, <c>.</c>, <c>..</c>, with a folder separator or a control
    /// character) is refused with <see cref="DataJointException"/>; nothing is written outside the folder.
    /// </summary>
    public static Task<string> SaveAsync(ReadOnlyMemory<byte> stored, string downloadDirectory, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Save(stored, downloadDirectory, "<attach> value"));
    }

    /// <summary>The synchronous core of <see cref="SaveAsync"/>; <paramref name="what"/> names the value in messages.</summary>
    internal static string Save(ReadOnlyMemory<byte> stored, string downloadDirectory, string what)
    {
        ArgumentNullException.ThrowIfNull(downloadDirectory);
        var (name, content) = Decode(stored);
        CheckFileName(name, what);
        var stem = Path.GetFileNameWithoutExtension(name);
        var ext = Path.GetExtension(name);
        string candidate = "";
        try
        {
            Directory.CreateDirectory(downloadDirectory);
            for (var i = 0; ; i++)
            {
                candidate = Path.Combine(downloadDirectory, i == 0 ? name : $"{stem}_{i}{ext}");
                if (!File.Exists(candidate))
                {
                    // CreateNew: a file another fetch created meanwhile is never overwritten (the loop tries the next name).
                    try
                    {
                        using var file = new FileStream(candidate, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                        file.Write(content.Span);
                        return candidate;
                    }
                    catch (IOException) when (File.Exists(candidate))
                    {
                        // taken meanwhile: compare with it below
                    }
                }
                var info = new FileInfo(candidate);
                if (info.Length == content.Length && File.ReadAllBytes(candidate).AsSpan().SequenceEqual(content.Span))
                    return candidate;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new DataJointException(
                $"Cannot write the {what} '{name}' to {(candidate.Length > 0 ? candidate : downloadDirectory)}: {ex.Message}", ex);
        }
    }

    /// <summary>Refuses stored names that are not a plain file name (they could leave the download folder or break the fetch).</summary>
    private static void CheckFileName(string name, string what)
    {
        string? problem = name.Length == 0 ? "it is empty"
            : name is "." or ".." ? "it names a folder"
            : name.IndexOfAny(['/', '\\']) >= 0 ? "it contains a folder separator"
            : name.Any(char.IsControl) ? "it contains a control character"
            : Encoding.UTF8.GetByteCount(name) > 255 ? "it is longer than 255 bytes"
            : name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 ? "it contains a character file names cannot hold here"
            : null;
        if (problem is not null)
            throw new DataJointException(
                $"The {what} has the stored file name '{Printable(name)}', which cannot be written safely ({problem}); refusing to save it.");
    }

    private static string Printable(string name) =>
        string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
