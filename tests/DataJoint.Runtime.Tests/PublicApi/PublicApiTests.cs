using System.ComponentModel;
using System.Reflection;
using PublicApiGenerator;

namespace DataJoint.Runtime.Tests.PublicApi;

/// <summary>
/// The public surface changes only on purpose: the runtime's public API (as PublicApiGenerator prints it) must equal the
/// approved text <c>PublicApi/DataJoint.Runtime.approved.txt</c>. After an intended change, review
/// <c>DataJoint.Runtime.received.txt</c> and rerun with <c>DJ_ACCEPT_SNAPSHOTS=1</c> to approve it.
/// </summary>
public class PublicApiTests
{
    private static readonly Assembly Runtime = typeof(Table).Assembly;

    private static string ProjectDirectory =>
        typeof(PublicApiTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ProjectDirectory").Value!;

    [Test]
    public void ThePublicApiIsTheApprovedOne()
    {
        var actual = Runtime.GeneratePublicApi(new ApiGeneratorOptions
        {
            IncludeAssemblyAttributes = false,
            // Compiler bookkeeping whose generated names (<ListAsync>d__14) change with unrelated edits: not part of the API.
            ExcludeAttributes = ["System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute", "System.Runtime.CompilerServices.AsyncStateMachineAttribute"],
        }).Replace("\r\n", "\n");
        var folder = Path.Combine(ProjectDirectory, "PublicApi");
        var approved = Path.Combine(folder, "DataJoint.Runtime.approved.txt");
        var received = Path.Combine(folder, "DataJoint.Runtime.received.txt");
        if (Environment.GetEnvironmentVariable("DJ_ACCEPT_SNAPSHOTS") == "1")
        {
            File.WriteAllText(approved, actual);
            File.Delete(received);
            return;
        }
        var expected = File.Exists(approved) ? File.ReadAllText(approved).Replace("\r\n", "\n") : "";
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual);
        var added = actual.Split('\n').Except(expected.Split('\n')).Take(10);
        var removed = expected.Split('\n').Except(actual.Split('\n')).Take(10);
        Assert.Fail($"The public API of DataJoint.Runtime changed. Added lines:\n{string.Join("\n", added)}\nRemoved lines:\n{string.Join("\n", removed)}\n" +
                    $"Review {received} and rerun with DJ_ACCEPT_SNAPSHOTS=1 if the change is intended.");
    }

    [Test]
    public void GeneratedCodeOnlyTypes_LiveInTheMetadataNamespace_HiddenFromIntelliSense()
    {
        var metadata = Runtime.GetExportedTypes().Where(t => t.Namespace == "DataJoint.Metadata").ToList();
        Assert.That(metadata.Select(t => t.Name), Is.SupersetOf(new[]
        {
            "ITypedTable`3", "ColumnSource", "AttributeNameAttribute", "CodecManifestAttribute", "BlobRecordMapper", "BlobRecordMapper`1",
            "TableMetadata",
        }));
        foreach (var type in metadata)
        {
            var browsable = type.GetCustomAttribute<EditorBrowsableAttribute>();
            Assert.That(browsable?.State, Is.EqualTo(EditorBrowsableState.Never), $"{type.FullName} is for generated code only");
        }
    }

    [Test]
    public void StoreInternals_AreNotPublic()
    {
        var names = Runtime.GetExportedTypes().Select(t => t.Name).ToHashSet();
        Assert.That(names, Has.None.AnyOf("HashStorage", "ContentHash", "StorePaths", "AttachEncoding", "FilepathReference", "NpyFormat",
            "HashMetadata", "StoreGarbageCollector", "ISqlDialect", "MySqlDialect", "InsertMode"));
    }

    [Test]
    public void NamespacesMatchFolders_ForEveryFolderThatIsNotPartOfTheRootApi()
    {
        // The everyday API (connection, schema, tables, queries, rows, codecs to write, blob values, errors, populate) is
        // the root namespace; every other public area is its folder's namespace.
        var namespaces = Runtime.GetExportedTypes().Select(t => t.Namespace).Distinct().Order().ToList();
        Assert.That(namespaces, Is.SubsetOf(new[]
        {
            "DataJoint", "DataJoint.BuiltIn", "DataJoint.Introspection", "DataJoint.Metadata", "DataJoint.Settings", "DataJoint.Stores",
            "Microsoft.Extensions.DependencyInjection",
        }));
    }
}
