using System.Text;
using System.Text.RegularExpressions;
using DataJoint.Stores;

namespace DataJoint.Runtime.Tests.Stores;

/// <summary>Golden values of the storage spec §9 cases 14–18 and 20 (DataJoint Python at 8e6ef316).</summary>
public class LayoutTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    [TestCase("", "2qoyzwmpaczaj2mabgmoz6ccpy")]
    [TestCase("Hello, World!", "mwuoe7mipeudqmnwms6yw7yk2q")]
    [TestCase("test content", "srz73ugyqcsdyinxo6gtjbzbk4")]
    public void ContentHashMatchesPython(string content, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        Assert.That(ContentHash.Compute(bytes), Is.EqualTo(expected));
        Assert.That(ContentHash.ComputeAsync(new MemoryStream(bytes)).Result, Is.EqualTo(expected));
    }

    [Test]
    public void ContentHashOfBlobAndAttachObjects()
    {
        Assert.That(ContentHash.Compute(Hex("646a30000a010005")), Is.EqualTo("vwxmh6tkl2az5arxvlyvttcody"));
        Assert.That(ContentHash.Compute(Hex("6e6f7465732e7478740068656c6c6f")), Is.EqualTo("5fqnjqbaytkumoeqcdiynhw6wu"));
    }

    [Test]
    public void HashPaths()
    {
        const string h = "abcdefghijklmnopqrstuvwxyz";
        Assert.That(StorePaths.BuildHashPath(h, "my_schema"), Is.EqualTo("_hash/my_schema/abcdefghijklmnopqrstuvwxyz"));
        Assert.That(StorePaths.BuildHashPath(h, "my_schema", [2, 2]), Is.EqualTo("_hash/my_schema/ab/cd/abcdefghijklmnopqrstuvwxyz"));
        Assert.That(StorePaths.BuildHashPath(h, "my_schema", null, ""), Is.EqualTo("my_schema/abcdefghijklmnopqrstuvwxyz"));
        Assert.That(StorePaths.BuildHashPath(h, "my_schema", null, "/blobs/"), Is.EqualTo("blobs/my_schema/abcdefghijklmnopqrstuvwxyz"));
        var spec = new StoreSpec { Subfolding = [3], HashPrefix = "_hash" };
        Assert.That(StorePaths.BuildHashPath(h, "s", spec), Is.EqualTo("_hash/s/abc/abcdefghijklmnopqrstuvwxyz"));
    }

    [TestCase("ABCDEFGHIJKLMNOPQRSTUVWXYZ")]
    [TestCase("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [TestCase("abcdefghijklmnopqrstuvwxy1")]
    public void InvalidHashesAreRejected(string hash)
    {
        var ex = Assert.Throws<DataJointException>(() => StorePaths.BuildHashPath(hash, "s"));
        Assert.That(ex!.Message, Is.EqualTo($"Invalid content hash (expected 26-char lowercase base32): {hash}"));
    }

    [Test]
    public void HashMetadataJsonIsWhatPythonWrites()
    {
        var m = new HashMetadata("vwxmh6tkl2az5arxvlyvttcody", "_hash/lab/vwxmh6tkl2az5arxvlyvttcody", "lab", "main", 8);
        Assert.That(m.ToJson(), Is.EqualTo(
            """{"hash": "vwxmh6tkl2az5arxvlyvttcody", "path": "_hash/lab/vwxmh6tkl2az5arxvlyvttcody", "schema": "lab", "store": "main", "size": 8}"""));
        var compact = HashMetadata.Parse("""{"size":8,"store":"main","schema":"lab","path":"_hash/lab/vwxmh6tkl2az5arxvlyvttcody","hash":"vwxmh6tkl2az5arxvlyvttcody"}""");
        Assert.That(compact, Is.EqualTo(m));
        Assert.That(HashMetadata.Parse("""{"hash":"x","path":"p","schema":"s","store":null,"size":1}""").StoreName, Is.Null);
    }

    [Test]
    public void ReferencedPathFollowsPythonDefault()
    {
        Assert.That(StoreMetadata.ReferencedPath("""{"path": "a/b", "store": "main"}"""), Is.EqualTo(("a/b", (string?)"main")));
        Assert.That(StoreMetadata.ReferencedPath("""{"path": "a/b"}"""), Is.EqualTo(("a/b", (string?)null)));
        Assert.That(StoreMetadata.ReferencedPath("""{"nopath": 1}"""), Is.Null);
        Assert.That(StoreMetadata.ReferencedPath("not json"), Is.Null);
    }

    [Test]
    public void MetadataEscapesNonAsciiLikePython()
    {
        var m = new HashMetadata("vwxmh6tkl2az5arxvlyvttcody", "p\"é\n", "lab", null, 0);
        Assert.That(m.ToJson(), Does.Contain("\"path\": \"p\\\"\\u00e9\\n\""));
        Assert.That(m.ToJson(), Does.Contain("\"store\": null"));
    }

    private static readonly StoreSpec Spec = new() { Name = "main" };

    [Test]
    public void ObjectPathWithPkAndExt()
    {
        var pk = new[] { KeyValuePair.Create<string, object?>("subject_id", 1), KeyValuePair.Create<string, object?>("session_date", new DateOnly(2024, 1, 2)) };
        var path = StorePaths.BuildObjectPath("lab", "session", "raw", pk, ".npy", Spec);
        Assert.That(path, Does.Match(@"^_schema/lab/session/subject_id=1/session_date=2024-01-02/raw_[A-Za-z0-9_-]{8}\.npy$"));
        var again = StorePaths.BuildObjectPath("lab", "session", "raw", pk, ".npy", Spec);
        Assert.That(again, Is.Not.EqualTo(path), "a fresh token per write");
        Assert.That(StorePaths.BuildObjectPath("lab", "session", "raw", pk, "npy", Spec, token: "AbCd1234"),
            Is.EqualTo("_schema/lab/session/subject_id=1/session_date=2024-01-02/raw_AbCd1234.npy"), "dot added");
        Assert.That(StorePaths.BuildObjectPath("lab", "t", "f", null, null, Spec, token: "tok_"), Is.EqualTo("_schema/lab/t/f_tok_"));
    }

    [Test]
    public void ObjectPathWithPartitionPatternAndNoPrefix()
    {
        var spec = new StoreSpec { PartitionPattern = "{subject_id}", TokenLength = 4 };
        var pk = new[] { KeyValuePair.Create<string, object?>("subject_id", 1), KeyValuePair.Create<string, object?>("session_id", 2) };
        Assert.That(StorePaths.BuildObjectPath("lab", "session", "raw", pk, "zarr", spec),
            Does.Match(@"^_schema/subject_id=1/lab/session/session_id=2/raw_[A-Za-z0-9_-]{4}\.zarr$"));
        var legacy = new StoreSpec { SchemaPrefix = "" };
        Assert.That(StorePaths.BuildObjectPath("lab", "t", "f", pk, null, legacy, "T0k3n"), Is.EqualTo("lab/t/subject_id=1/session_id=2/f_T0k3n"));
    }

    [TestCase(1, 4)]
    [TestCase(4, 4)]
    [TestCase(16, 16)]
    [TestCase(40, 16)]
    public void TokenLengthIsClamped(int configured, int expected)
    {
        var token = StorePaths.NewToken(configured);
        Assert.That(token, Has.Length.EqualTo(expected));
        Assert.That(token, Does.Match("^[A-Za-z0-9_-]+$"));
    }

    [Test]
    public void PrimaryKeyValueEncoding()
    {
        Assert.That(StorePaths.EncodePrimaryKeyValue("a/b c"), Is.EqualTo("a%2Fb%20c"));
        Assert.That(StorePaths.EncodePrimaryKeyValue("plain text"), Is.EqualTo("plain text"), "spaces alone are kept");
        Assert.That(StorePaths.EncodePrimaryKeyValue(new string('x', 101)), Is.EqualTo(new string('x', 50) + "_608367d7"));
        Assert.That(StorePaths.EncodePrimaryKeyValue(new string('x', 100)), Is.EqualTo(new string('x', 100)));
        Assert.That(StorePaths.EncodePrimaryKeyValue(new DateTime(2024, 1, 2, 3, 4, 5, 6)), Is.EqualTo("2024-01-02T03-04-05"));
        Assert.That(StorePaths.EncodePrimaryKeyValue(new DateOnly(2024, 1, 2)), Is.EqualTo("2024-01-02"));
        Assert.That(StorePaths.EncodePrimaryKeyValue(new TimeOnly(1, 2, 3)), Is.EqualTo("01%3A02%3A03"), "time isoformat contains ':'");
        Assert.That(StorePaths.EncodePrimaryKeyValue(true), Is.EqualTo("True"));
        Assert.That(StorePaths.EncodePrimaryKeyValue(-7L), Is.EqualTo("-7"));
        Assert.That(StorePaths.EncodePrimaryKeyValue(new Guid("12345678-1234-5678-1234-567812345678")), Is.EqualTo("12345678-1234-5678-1234-567812345678"));
        Assert.That(StorePaths.EncodePrimaryKeyValue("é*"), Is.EqualTo("%C3%A9%2A"));
    }

    [TestCase(1.0, "1.0")]
    [TestCase(1.5, "1.5")]
    [TestCase(-0.25, "-0.25")]
    [TestCase(0.0001, "0.0001")]
    [TestCase(0.00001, "1e-05")]
    [TestCase(1e15, "1000000000000000.0")]
    [TestCase(1e16, "1e+16")]
    [TestCase(123456.789, "123456.789")]
    [TestCase(1.5e-7, "1.5e-07")]
    [TestCase(0.1, "0.1")]
    public void FloatsFormatLikePythonStr(double value, string expected) =>
        Assert.That(StorePaths.EncodePrimaryKeyValue(value), Is.EqualTo(expected));

    [Test]
    public void ObjectMetadataKeysAndTimestamp()
    {
        var m = new ObjectMetadata
        {
            ObjectPath = "_schema/lab/t/id=1/f_abcdefgh.npy", StoreName = "main", Size = 10, Ext = ".npy",
            Timestamp = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero),
        };
        Assert.That(m.ToJson(), Is.EqualTo(
            """{"path": "_schema/lab/t/id=1/f_abcdefgh.npy", "store": "main", "size": 10, "ext": ".npy", "is_dir": false, "item_count": null, "timestamp": "2024-01-02T03:04:05.000000+00:00"}"""));
        var keys = Regex.Matches(m.ToJson(), "\"(\\w+)\": ").Select(x => x.Groups[1].Value);
        Assert.That(keys, Is.EqualTo(new[] { "path", "store", "size", "ext", "is_dir", "item_count", "timestamp" }));
        var back = ObjectMetadata.Parse(m.ToJson());
        Assert.That(back, Is.EqualTo(m));
        var python = ObjectMetadata.Parse("""{"path": "p", "store": "s", "size": 3, "ext": null, "is_dir": true, "item_count": 2, "timestamp": "2024-05-06T07:08:09+00:00"}""");
        Assert.That(python.IsDir, Is.True);
        Assert.That(python.ItemCount, Is.EqualTo(2));
        Assert.That(python.Timestamp, Is.EqualTo(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero)));
    }

    [Test]
    public void NpyMetadataJson()
    {
        var m = new NpyMetadata("_schema/lab/t/f_abcdefgh.npy", "main", "float64", [2, 3]);
        Assert.That(m.ToJson(), Is.EqualTo("""{"path": "_schema/lab/t/f_abcdefgh.npy", "store": "main", "dtype": "float64", "shape": [2, 3]}"""));
        Assert.That(new NpyMetadata("p", "main", "int8", []).ToJson(), Does.EndWith("\"shape\": []}"));
        var back = NpyMetadata.Parse(m.ToJson());
        Assert.That(back.Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(back.Dtype, Is.EqualTo("float64"));
    }

    [Test]
    public void AttachBytesAndNames()
    {
        var bytes = AttachEncoding.Encode("notes.txt", "hello"u8);
        Assert.That(Convert.ToHexStringLower(bytes), Is.EqualTo("6e6f7465732e7478740068656c6c6f"));
        var (name, content) = AttachEncoding.Decode(bytes);
        Assert.That(name, Is.EqualTo("notes.txt"));
        Assert.That(Encoding.UTF8.GetString(content.Span), Is.EqualTo("hello"));
        Assert.Throws<DataJointException>(() => AttachEncoding.Decode("no separator"u8.ToArray()));
    }

    [Test]
    public async Task AttachFileEncodingAndDownloadCollisions()
    {
        var dir = Directory.CreateTempSubdirectory("dj-attach-");
        try
        {
            var src = Path.Combine(dir.FullName, "notes.txt");
            await File.WriteAllTextAsync(src, "hello");
            var encoded = await AttachEncoding.EncodeFileAsync(src);
            Assert.That(Convert.ToHexStringLower(encoded), Is.EqualTo("6e6f7465732e7478740068656c6c6f"));

            var downloads = Path.Combine(dir.FullName, "dl");
            var first = await AttachEncoding.SaveAsync(encoded, downloads);
            Assert.That(first, Is.EqualTo(Path.Combine(downloads, "notes.txt")));
            Assert.That(await AttachEncoding.SaveAsync(encoded, downloads), Is.EqualTo(first), "identical file reused");
            var other = AttachEncoding.Encode("notes.txt", "different"u8);
            var second = await AttachEncoding.SaveAsync(other, downloads);
            Assert.That(second, Is.EqualTo(Path.Combine(downloads, "notes_1.txt")));
            Assert.That(await File.ReadAllTextAsync(second), Is.EqualTo("different"));

            var missing = await Assert.ThrowsAsync<DataJointException>(() => AttachEncoding.EncodeFileAsync(Path.Combine(dir.FullName, "nope.txt")));
            Assert.That(missing!.Message, Is.EqualTo($"Attachment file not found: {Path.Combine(dir.FullName, "nope.txt")}"));
            var folder = await Assert.ThrowsAsync<DataJointException>(() => AttachEncoding.EncodeFileAsync(downloads));
            Assert.That(folder!.Message, Is.EqualTo($"<attach> does not support directories: {downloads}"));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [TestCase("_hash/x", "<filepath@> cannot use reserved section '_hash' (hash_prefix). This section is managed by DataJoint. Got path: _hash/x")]
    [TestCase("/_schema/y", "<filepath@> cannot use reserved section '_schema' (schema_prefix). This section is managed by DataJoint. Got path: /_schema/y")]
    public void FilepathReservedSections(string path, string message)
    {
        var ex = Assert.Throws<DataJointException>(() => FilepathReference.Validate(path, new StoreSpec { Name = "raw" }));
        Assert.That(ex!.Message, Is.EqualTo(message));
    }

    [Test]
    public void FilepathPrefixRule()
    {
        var spec = new StoreSpec { Name = "raw", FilepathPrefix = "user_files" };
        var ex = Assert.Throws<DataJointException>(() => FilepathReference.Validate("raw/a.bin", spec));
        Assert.That(ex!.Message, Is.EqualTo("<filepath@> must use prefix 'user_files' (filepath_prefix). Got path: raw/a.bin"));
        Assert.DoesNotThrow(() => FilepathReference.Validate("user_files/a.bin", spec));
        Assert.DoesNotThrow(() => FilepathReference.Validate("subject01/data.bin", new StoreSpec()));
        Assert.DoesNotThrow(() => FilepathReference.Validate("_hashish/data.bin", new StoreSpec()), "only whole sections are reserved");
    }

    [Test]
    public void FilepathMetadataJson()
    {
        var m = new ObjectMetadata
        {
            ObjectPath = "subject01/data.bin", StoreName = "raw", Size = 1024, IsFilepath = true,
            Timestamp = new DateTimeOffset(2024, 1, 2, 3, 4, 5, 123456 / 1000, TimeSpan.Zero).AddTicks(4560),
        };
        Assert.That(m.ToJson(), Is.EqualTo(
            """{"path": "subject01/data.bin", "store": "raw", "size": 1024, "is_dir": false, "timestamp": "2024-01-02T03:04:05.123456+00:00"}"""));
    }

    [Test]
    public void GcCoverageRules()
    {
        var refs = new HashSet<string> { "_schema/s/t/id=1/folder_AAAA", "_schema/s/t/id=2/f_BBBB.npy" };
        Assert.That(StoreGarbageCollector.IsCovered("_schema/s/t/id=2/f_BBBB.npy", refs), Is.True);
        Assert.That(StoreGarbageCollector.IsCovered("_schema/s/t/id=1/folder_AAAA/sub/a.txt", refs), Is.True);
        Assert.That(StoreGarbageCollector.IsCovered("_schema/s/t/id=1/folder_AAAA.manifest.json", refs), Is.True);
        Assert.That(StoreGarbageCollector.IsCovered("_schema/s/t/id=1/folder_AAAAB", refs), Is.False);
        Assert.That(StoreGarbageCollector.IsCovered("_schema/s/t/rid=9/x_AAAA.npy", refs), Is.False);
    }

    [Test]
    public void StorePathsRejectEscapes()
    {
        Assert.Throws<DataJointException>(() => StorePaths.Normalize("a/../../etc", "s"));
        Assert.Throws<DataJointException>(() => StorePaths.Normalize("", "s"));
        Assert.That(StorePaths.Normalize("/a/b", "s"), Is.EqualTo("a/b"));
    }
}
