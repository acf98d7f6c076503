using System.Collections.Concurrent;
using DataJoint.Stores;

namespace DataJoint.Plugins.Tests;

/// <summary>A store wrapper that records every read and write (to prove which objects an operation touches) and can fail the n-th put.</summary>
internal sealed class CountingStore(IObjectStore inner) : IObjectStore
{
    public ConcurrentQueue<string> Reads { get; } = new();
    public ConcurrentQueue<string> Puts { get; } = new();
    public int FailPutNumber { get; set; } = -1;
    private int _puts;

    public string Name => inner.Name;
    public StoreSpec Spec => inner.Spec;

    public async Task PutAsync(string path, Stream content, long? length, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _puts) == FailPutNumber) throw new DataJointException($"injected failure writing {path}");
        await inner.PutAsync(path, content, length, cancellationToken);
        Puts.Enqueue(path);
    }

    public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        Reads.Enqueue(path);
        return inner.OpenReadAsync(path, cancellationToken);
    }

    public Task<long?> GetSizeAsync(string path, CancellationToken cancellationToken = default) => inner.GetSizeAsync(path, cancellationToken);
    public Task DeleteAsync(string path, CancellationToken cancellationToken = default) => inner.DeleteAsync(path, cancellationToken);
    public IAsyncEnumerable<StoreObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    /// <summary>A counting store over a fresh temp folder (deleted by <see cref="DeleteFolder"/>).</summary>
    public static CountingStore InTempFolder(string name = "main")
    {
        var folder = Directory.CreateTempSubdirectory("djnet-plugin-").FullName;
        return new CountingStore(new LocalObjectStore(StoreSpec.LocalFolder(name, folder)));
    }

    public string Folder => inner.Spec.Location;

    public void DeleteFolder()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>A test that gets a fresh counting folder store named "main" (the default store of <see cref="Stores"/>) per test.</summary>
public abstract class PluginStoreTest
{
    internal CountingStore Store { get; private set; } = null!;
    internal StoreProvider Stores { get; private set; } = null!;

    [SetUp]
    public void CreateStore()
    {
        Store = CountingStore.InTempFolder();
        Stores = new StoreProvider([Store], defaultStore: "main");
    }

    [TearDown]
    public void DeleteStore()
    {
        Stores.Dispose();
        Store.DeleteFolder();
    }
}
