using System.Runtime.CompilerServices;

namespace DataJoint.Stores;

/// <summary>
/// A store in a local (or mounted) folder: object <c>{path}</c> is the file <c>{location}/{path}</c>.
/// Writes are atomic: the content goes to a uniquely named <c>{file}.{random}.saving</c> beside the target,
/// then is renamed over it, so readers never see a half-written object. Deleting prunes empty parent folders
/// up to the store root.
/// </summary>
public sealed class LocalObjectStore : IObjectStore
{
    private const string SavingSuffix = ".saving";
    private readonly string _root;

    /// <summary>Opens the folder store described by <paramref name="spec"/> (protocol <c>file</c>).</summary>
    public LocalObjectStore(StoreSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Protocol != "file")
            throw new Settings.SettingsException($"Store '{spec.Name}' has protocol \"{spec.Protocol}\"; a local folder store needs protocol \"file\".");
        if (string.IsNullOrWhiteSpace(spec.Location))
            throw new Settings.SettingsException($"Inaccessible local directory (store '{spec.Name}': location is empty; it must name a folder).") { Store = spec.Name };
        if (!Directory.Exists(spec.Location))
        {
            if (spec.CreateLocation && !File.Exists(spec.Location))
            {
                try
                {
                    Directory.CreateDirectory(spec.Location);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new StoreException($"Inaccessible local directory {spec.Location} (store '{spec.Name}': could not create it: {ex.Message}).", ex) { Store = spec.Name };
                }
            }
            else
            {
                throw new StoreException($"Inaccessible local directory {spec.Location} (store '{spec.Name}': " + (File.Exists(spec.Location)
                    ? "location is a file, not a folder)."
                    : "the folder does not exist. It is not created, as DataJoint Python does not create it, so that a drive that is not " +
                      "mounted or a mistyped path never silently becomes an empty local folder. Create the folder, or allow creating it: " +
                      "\"create_location\": true in the store's configuration (a .NET-only key), or StoresConfigurationBuilder.AddFolder(name, location, createLocation: true)).")) { Store = spec.Name };
            }
        }
        Spec = spec;
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(spec.Location));
    }

    /// <inheritdoc />
    public string Name => Spec.Name;

    /// <inheritdoc />
    public StoreSpec Spec { get; }

    private string FilePath(string path)
    {
        var rel = StorePaths.Normalize(path, Name);
        var full = Path.GetFullPath(Path.Combine(_root, rel.Replace('/', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new DataJointException($"Path '{path}' escapes the root of store '{Name}'.");
        return full;
    }

    /// <inheritdoc />
    public async Task PutAsync(string path, Stream content, long? length, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = FilePath(path);
        var temp = $"{target}.{Guid.NewGuid():N}{SavingSuffix}";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                if (length is > 0) file.SetLength(length.Value);
                await content.CopyToAsync(file, 81920, cancellationToken).ConfigureAwait(false);
                if (file.Position != file.Length) file.SetLength(file.Position);
            }
            File.Move(temp, target, overwrite: true);
        }
        catch (Exception ex)
        {
            TryDelete(temp);
            if (ex is IOException or UnauthorizedAccessException) throw Failed("write", path, ex);
            throw;
        }
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = FilePath(path);
        try
        {
            return Task.FromResult<Stream>(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new MissingExternalFileException($"Missing external file {file} (store '{Name}', path '{path}').", ex).At(Name, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failed("read", path, ex);
        }
    }

    /// <inheritdoc />
    public Task<long?> GetSizeAsync(string path, CancellationToken cancellationToken = default) =>
        Task.FromResult(Stat(path, info => (long?)info.Length));

    /// <inheritdoc />
    public Task<DateTimeOffset?> GetLastModifiedAsync(string path, CancellationToken cancellationToken = default) =>
        Task.FromResult(Stat(path, info => (DateTimeOffset?)new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero)));

    /// <summary>A fact about the file at <paramref name="path"/>, or default when there is none.</summary>
    private T? Stat<T>(string path, Func<FileInfo, T> read)
    {
        try
        {
            var info = new FileInfo(FilePath(path));
            return info.Exists ? read(info) : default;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failed("check", path, ex);
        }
    }

    /// <inheritdoc />
    public Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = FilePath(path);
        if (File.Exists(file))
        {
            try
            {
                File.Delete(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw Failed("delete", path, ex);
            }
            // Prune empty parent folders up to (not including) the store root.
            var dir = Path.GetDirectoryName(file);
            while (dir is not null && dir.Length > _root.Length && dir.StartsWith(_root, StringComparison.Ordinal))
            {
                try
                {
                    if (Directory.EnumerateFileSystemEntries(dir).Any()) break;
                    Directory.Delete(dir);
                }
                catch (IOException) { break; }
                dir = Path.GetDirectoryName(dir);
            }
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoreObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        prefix ??= "";
        // Start from the deepest folder the prefix names completely, then filter by the full prefix.
        var slash = prefix.LastIndexOf('/');
        var folderRel = slash < 0 ? "" : prefix[..slash];
        var folder = folderRel.Length == 0 ? _root : FilePath(folderRel);
        if (!Directory.Exists(folder)) yield break;
        var entries = Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = 0 })
            .Select(f => (Full: f, Rel: Path.GetRelativePath(_root, f).Replace(Path.DirectorySeparatorChar, '/')))
            .Where(e => e.Rel.StartsWith(prefix, StringComparison.Ordinal) && !e.Rel.EndsWith(SavingSuffix, StringComparison.Ordinal))
            .OrderBy(e => e.Rel, StringComparer.Ordinal);
        foreach (var (full, rel) in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long size;
            try { size = new FileInfo(full).Length; }
            catch (FileNotFoundException) { continue; } // deleted meanwhile
            yield return new StoreObjectInfo(rel, size);
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    private StoreException Failed(string action, string path, Exception ex) =>
        new StoreException($"Cannot {action} {Spec.FullPath(path)} (store '{Name}'): {ex.Message}", ex).At(Name, path);

    private static void TryDelete(string file)
    {
        try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
