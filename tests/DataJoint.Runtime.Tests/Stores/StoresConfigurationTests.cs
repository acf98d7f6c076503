using DataJoint.Stores;
using Microsoft.Extensions.Configuration;

namespace DataJoint.Runtime.Tests.Stores;

public class StoresConfigurationTests
{
    private const string Example = """
        {
          "default": "main",
          "filepath_default": "raw",
          "main": { "protocol": "file", "location": "/data/main", "subfolding": [2, 2], "token_length": 12 },
          "raw": { "protocol": "file", "location": "/data/raw", "filepath_prefix": "user_files" },
          "s3store": { "protocol": "s3", "endpoint": "minio:9000", "bucket": "b", "location": "proj/data",
                       "access_key": "ak", "secret_key": "sk", "secure": false, "region": "eu-west-1" }
        }
        """;

    [Test]
    public void ParsesPythonShapeAndAppliesDefaults()
    {
        var config = StoresConfiguration.Parse(Example);
        Assert.That(config.DefaultStore, Is.EqualTo("main"));
        Assert.That(config.FilepathDefault, Is.EqualTo("raw"));
        Assert.That(config.StoreNames, Is.EquivalentTo(new[] { "main", "raw", "s3store" }));

        var main = config.GetSpec(null);
        Assert.That(main.Name, Is.EqualTo("main"));
        Assert.That(main.Protocol, Is.EqualTo("file"));
        Assert.That(main.Location, Is.EqualTo("/data/main"));
        Assert.That(main.Subfolding, Is.EqualTo(new[] { 2, 2 }));
        Assert.That(main.TokenLength, Is.EqualTo(12));
        Assert.That(main.HashPrefix, Is.EqualTo("_hash"));
        Assert.That(main.SchemaPrefix, Is.EqualTo("_schema"));
        Assert.That(main.FilepathPrefix, Is.Null);
        Assert.That(main.PartitionPattern, Is.Null);

        var s3 = config.GetSpec("s3store");
        Assert.That(s3.Protocol, Is.EqualTo("s3"));
        Assert.That(s3.Endpoint, Is.EqualTo("minio:9000"));
        Assert.That(s3.Bucket, Is.EqualTo("b"));
        Assert.That(s3.Location, Is.EqualTo("proj/data"));
        Assert.That(s3.AccessKey, Is.EqualTo("ak"));
        Assert.That(s3.SecretKey, Is.EqualTo("sk"));
        Assert.That(s3.Secure, Is.False);
        Assert.That(s3.Region, Is.EqualTo("eu-west-1"));
        Assert.That(s3.TokenLength, Is.EqualTo(8));
    }

    [Test]
    public void BareAtResolvesToDefaultAndFilepathDefault()
    {
        var config = StoresConfiguration.Parse(Example);
        Assert.That(config.ResolveName(""), Is.EqualTo("main"));
        Assert.That(config.ResolveName(null), Is.EqualTo("main"));
        Assert.That(config.ResolveName("", forFilepath: true), Is.EqualTo("raw"));
        Assert.That(config.GetSpec("", forFilepath: true).FilepathPrefix, Is.EqualTo("user_files"));
        Assert.That(config.ResolveName("s3store"), Is.EqualTo("s3store"));
    }

    [Test]
    public void S3SecureDefaultsToTrue()
    {
        var spec = StoresConfiguration.Parse("""{"s":{"protocol":"s3","endpoint":"e:1","bucket":"b","location":""}}""").GetSpec("s");
        Assert.That(spec.Secure, Is.True);
        Assert.That(spec.AccessKey, Is.Null);
    }

    [Test]
    public void MissingDefaultNamesTheKey()
    {
        var config = StoresConfiguration.Parse("""{"main":{"protocol":"file","location":"/x"}}""");
        var ex = Assert.Throws<DataJoint.Settings.SettingsException>(() => config.GetSpec(""));
        Assert.That(ex!.Message, Does.StartWith("stores.default is not configured"));
        Assert.That(ex.Message, Does.Contain("main"));
        var fp = Assert.Throws<DataJoint.Settings.SettingsException>(() => config.GetSpec(null, forFilepath: true));
        Assert.That(fp!.Message, Does.StartWith("stores.filepath_default is not configured"));
    }

    [Test]
    public void UnknownStoreIsNamed()
    {
        var config = StoresConfiguration.Parse(Example);
        var ex = Assert.Throws<DataJoint.Settings.SettingsException>(() => config.GetSpec("nope"));
        Assert.That(ex!.Message, Is.EqualTo("Storage 'nope' is requested but not configured in stores (configured: main, raw, s3store)."));
    }

    [TestCase("""{"s":{"location":"/x"}}""", "config.stores[\"s\"] is missing: protocol")]
    [TestCase("""{"s":{"protocol":"file"}}""", "config.stores[\"s\"] is missing: location")]
    [TestCase("""{"s":{"protocol":"s3","location":"x"}}""", "config.stores[\"s\"] is missing: endpoint, bucket")]
    [TestCase("""{"s":{"protocol":"file","location":"/x","colour":"red"}}""", "Invalid key(s) in config.stores[\"s\"]: colour")]
    [TestCase("""{"s":{"protocol":"ftp","location":"/x"}}""", "Unknown protocol \"ftp\" in config.stores[\"s\"]. Built-in: file, s3, gcs, azure. Install a plugin package for additional protocols.")]
    [TestCase("""{"s":{"protocol":"file","location":"/x","hash_prefix":"data","schema_prefix":"data/objects"}}""",
        "config.stores[\"s\"]: hash_prefix=\"data\" and schema_prefix=\"data/objects\" overlap. Storage section prefixes must be mutually exclusive.")]
    [TestCase("""{"s":{"protocol":"s3","endpoint":"e","bucket":"b","location":"","access_key":"a"}}""",
        "Incomplete S3 credentials in config.stores[\"s\"]: set both access_key and secret_key, or neither.")]
    [TestCase("""{"s":{"protocol":"file","location":"/x","token_length":"eight"}}""", "config.stores[\"s\"]: \"token_length\" must be an integer, got \"eight\".")]
    public void InvalidStoresGiveDataJointTexts(string json, string message)
    {
        var config = StoresConfiguration.Parse(json);
        var ex = Assert.Throws<DataJoint.Settings.SettingsException>(() => config.GetSpec("s"));
        Assert.That(ex!.Message, Is.EqualTo(message));
    }

    [Test]
    public void OneBrokenStoreDoesNotBreakOthers()
    {
        var config = StoresConfiguration.Parse("""{"good":{"protocol":"file","location":"/x"},"bad":{"protocol":"file"}}""");
        Assert.That(config.GetSpec("good").Location, Is.EqualTo("/x"));
        Assert.Throws<DataJoint.Settings.SettingsException>(() => config.GetSpec("bad"));
    }

    [Test]
    public void DefaultMustBeAString()
    {
        var ex = Assert.Throws<DataJoint.Settings.SettingsException>(() => StoresConfiguration.Parse("""{"default": 3}"""));
        Assert.That(ex!.Message, Does.StartWith("stores.default must be a string"));
    }

    [Test]
    public void InvalidJsonSaysWhere()
    {
        var ex = Assert.Throws<DataJoint.Settings.SettingsException>(() => StoresConfiguration.Parse("{nope", "DJ_STORES"));
        Assert.That(ex!.Message, Does.StartWith("DJ_STORES is not valid JSON"));
    }

    [Test]
    public void LoadsDatajointJsonUpwardWithSecrets()
    {
        var root = Directory.CreateTempSubdirectory("dj-config-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, ".git"));
            var work = Directory.CreateDirectory(Path.Combine(root.FullName, "analysis", "deep"));
            File.WriteAllText(Path.Combine(root.FullName, "datajoint.json"), """
                { "database": { "host": "x" },
                  "stores": { "default": "s3", "s3": { "protocol": "s3", "endpoint": "h:9000", "bucket": "b", "location": "l", "access_key": "from-file" } } }
                """);
            var secrets = Directory.CreateDirectory(Path.Combine(root.FullName, ".secrets"));
            File.WriteAllText(Path.Combine(secrets.FullName, "stores.s3.secret_key"), "s3cr3t\n");
            File.WriteAllText(Path.Combine(secrets.FullName, "stores.s3.access_key"), "ignored: file value wins");

            var config = StoresConfiguration.Load(work.FullName, _ => null);
            var spec = config.GetSpec("");
            Assert.That(spec.Name, Is.EqualTo("s3"));
            Assert.That(spec.AccessKey, Is.EqualTo("from-file"));
            Assert.That(spec.SecretKey, Is.EqualTo("s3cr3t"));
            Assert.That(StoresConfiguration.FindConfigFile(work.FullName), Is.EqualTo(Path.Combine(root.FullName, "datajoint.json")));
        }
        finally
        {
            root.Delete(true);
        }
    }

    [Test]
    public void DjStoresEnvironmentWinsOverFile()
    {
        var root = Directory.CreateTempSubdirectory("dj-config-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, ".git"));
            File.WriteAllText(Path.Combine(root.FullName, "datajoint.json"), """{"stores":{"default":"a","a":{"protocol":"file","location":"/file"}}}""");
            var env = new Dictionary<string, string> { ["DJ_STORES"] = """{"default":"b","b":{"protocol":"file","location":"/env"}}""" };
            var config = StoresConfiguration.Load(root.FullName, k => env.GetValueOrDefault(k));
            Assert.That(config.GetSpec(null).Location, Is.EqualTo("/env"));
            Assert.That(config.StoreNames, Is.EquivalentTo(new[] { "b" }));

            var ignoring = StoresConfiguration.Load(root.FullName, k => k == "DJ_IGNORE_CONFIG_FILE" ? "true" : null);
            Assert.That(ignoring.StoreNames, Is.Empty);
        }
        finally
        {
            root.Delete(true);
        }
    }

    [Test]
    public void BindsFromIConfigurationWithStringValues()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataJoint:stores:default"] = "main",
            ["DataJoint:stores:main:protocol"] = "s3",
            ["DataJoint:stores:main:endpoint"] = "127.0.0.1:9000",
            ["DataJoint:stores:main:bucket"] = "bkt",
            ["DataJoint:stores:main:location"] = "dj",
            ["DataJoint:stores:main:secure"] = "false",
            ["DataJoint:stores:main:token_length"] = "10",
            ["DataJoint:stores:main:subfolding:0"] = "2",
            ["DataJoint:stores:main:subfolding:1"] = "3",
        }).Build();
        var config = StoresConfiguration.FromConfiguration(configuration.GetSection("DataJoint:stores"));
        var spec = config.GetSpec("");
        Assert.That(spec.Name, Is.EqualTo("main"));
        Assert.That(spec.Bucket, Is.EqualTo("bkt"));
        Assert.That(spec.Secure, Is.False);
        Assert.That(spec.TokenLength, Is.EqualTo(10));
        Assert.That(spec.Subfolding, Is.EqualTo(new[] { 2, 3 }));
    }

    [Test]
    public void ProviderResolvesBareAtToConcreteName()
    {
        var dir = Directory.CreateTempSubdirectory("dj-store-");
        try
        {
            var json = "{\"default\":\"local\",\"local\":{\"protocol\":\"file\",\"location\":" + System.Text.Json.JsonSerializer.Serialize(dir.FullName) + "}}";
            using var provider = new StoreProvider(StoresConfiguration.Parse(json));
            Assert.That(provider.DefaultStoreName, Is.EqualTo("local"));
            var store = provider.GetStore("");
            Assert.That(store.Name, Is.EqualTo("local"));
            Assert.That(store, Is.InstanceOf<LocalObjectStore>());
            Assert.That(provider.GetStore(null), Is.SameAs(store));
            Assert.That(provider.GetStore("local"), Is.SameAs(store));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Test]
    public void LocalStoreNeedsAnExistingFolder()
    {
        using var provider = new StoreProvider(StoresConfiguration.Parse("""{"x":{"protocol":"file","location":"/definitely/not/here"}}"""));
        var ex = Assert.Throws<StoreException>(() => provider.GetStore("x"));
        Assert.That(ex!.Message, Does.StartWith("Inaccessible local directory /definitely/not/here"));
    }

    [Test]
    public void MissingFolder_IsRefusedAsPythonDoes_WithAnErrorSayingWhyAndWhatToDo()
    {
        using var provider = new StoreProvider(new StoresConfigurationBuilder().AddFolder("x", "/definitely/not/here").Build());
        var ex = Assert.Throws<StoreException>(() => provider.GetStore("x"));
        Assert.That(ex!.Message, Does.StartWith("Inaccessible local directory /definitely/not/here (store 'x': the folder does not exist."));
        Assert.That(ex.Message, Does.Contain("Create the folder").And.Contain("create_location").And.Contain("createLocation: true"));
        Assert.That(Directory.Exists("/definitely/not/here"), Is.False);

        var file = Path.GetTempFileName();
        try
        {
            using var onFile = new StoreProvider(new StoresConfigurationBuilder().AddFolder("f", file, createLocation: true).Build());
            Assert.That(Assert.Throws<StoreException>(() => onFile.GetStore("f"))!.Message, Does.Contain("location is a file, not a folder"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task CreateLocation_MakesTheFolderAndItsParents_OnFirstUse()
    {
        var root = Path.Combine(Path.GetTempPath(), "djnet-create-" + Guid.NewGuid().ToString("N"));
        var location = Path.Combine(root, "a", "b");
        try
        {
            // From code and from JSON (the .NET-only key).
            using var provider = new StoreProvider(new StoresConfigurationBuilder().AddFolder("main", location, createLocation: true).Build());
            Assert.That(Directory.Exists(location), Is.False, "nothing is created before the store is used");
            var store = provider.GetStore("main");
            Assert.That(Directory.Exists(location), Is.True);
            await store.PutAsync("_hash/s/x", new MemoryStream([1, 2, 3]), 3);
            Assert.That(File.ReadAllBytes(Path.Combine(location, "_hash", "s", "x")), Is.EqualTo(new byte[] { 1, 2, 3 }));

            var other = Path.Combine(root, "json");
            var json = StoresConfiguration.Parse($$$"""{"j": {"protocol": "file", "location": "{{{other}}}", "create_location": true}}""");
            Assert.That(json.GetSpec("j").CreateLocation, Is.True);
            using var fromJson = new StoreProvider(json);
            _ = fromJson.GetStore("j");
            Assert.That(Directory.Exists(other), Is.True);
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, true);
        }
    }

    [Test]
    public void Builder_MakesTheSameStoresAsPythonsJson_AndWritesThatJson()
    {
        var built = new StoresConfigurationBuilder()
            .Add(new StoreSpec { Name = "main", Protocol = "file", Location = "/data/main", Subfolding = [2, 2], TokenLength = 12 })
            .Add(new StoreSpec { Name = "raw", Protocol = "file", Location = "/data/raw", FilepathPrefix = "user_files" })
            .Add(new StoreSpec
            {
                Name = "s3store", Protocol = "s3", Endpoint = "minio:9000", Bucket = "b", Location = "proj/data",
                AccessKey = "ak", SecretKey = "sk", Secure = false, Region = "eu-west-1",
            })
            .WithDefault("main")
            .WithFilepathDefault("raw")
            .Build();
        var parsed = StoresConfiguration.Parse(Example);
        Assert.That((built.DefaultStore, built.FilepathDefault), Is.EqualTo((parsed.DefaultStore, parsed.FilepathDefault)));
        foreach (var name in parsed.StoreNames)
            Assert.That(built.GetSpec(name), Is.EqualTo(parsed.GetSpec(name)).Using<StoreSpec>(SameSpec), name);

        // The JSON is Python's stores section: only Python's keys for these stores, defaults left out.
        var json = System.Text.Json.JsonDocument.Parse(built.ToJson()).RootElement;
        Assert.That(json.GetProperty("default").GetString(), Is.EqualTo("main"));
        Assert.That(json.GetProperty("main").EnumerateObject().Select(p => p.Name),
            Is.EqualTo(new[] { "protocol", "location", "subfolding", "token_length" }));
        Assert.That(json.GetProperty("s3store").EnumerateObject().Select(p => p.Name),
            Is.EqualTo(new[] { "protocol", "location", "endpoint", "bucket", "access_key", "secret_key", "secure", "region" }));
        var again = StoresConfiguration.Parse(built.ToJson());
        foreach (var name in parsed.StoreNames)
            Assert.That(again.GetSpec(name), Is.EqualTo(parsed.GetSpec(name)).Using<StoreSpec>(SameSpec), name);

        var s3 = new StoresConfigurationBuilder().AddS3("s", "127.0.0.1:9000", "bucket", "dj", "a", "k", secure: false).Build().GetSpec("s");
        Assert.That((s3.Endpoint, s3.Bucket, s3.Location, s3.AccessKey, s3.SecretKey, s3.Secure), Is.EqualTo(("127.0.0.1:9000", "bucket", "dj", "a", "k", false)));
    }

    private static bool SameSpec(StoreSpec a, StoreSpec b) =>
        a with { Subfolding = null } == b with { Subfolding = null } && (a.Subfolding ?? []).SequenceEqual(b.Subfolding ?? []);

    [Test]
    public void Builder_ValidatesEveryStoreWhenBuilt()
    {
        Assert.That(Assert.Throws<DataJoint.Settings.SettingsException>(() => new StoresConfigurationBuilder().AddS3("s", "", "b").Build())!.Message,
            Does.StartWith("Missing S3 configuration in config.stores[\"s\"]"));
        Assert.That(Assert.Throws<DataJoint.Settings.SettingsException>(() => new StoresConfigurationBuilder().AddS3("s", "e:1", "b", accessKey: "only").Build())!.Message,
            Does.StartWith("Incomplete S3 credentials in config.stores[\"s\"]"));
        Assert.That(Assert.Throws<DataJoint.Settings.SettingsException>(() => new StoresConfigurationBuilder()
                .Add(new StoreSpec { Name = "f", Location = "/x", HashPrefix = "data", SchemaPrefix = "data/schema" }).Build())!.Message,
            Does.Contain("overlap"));
        Assert.That(Assert.Throws<DataJoint.Settings.SettingsException>(() => new StoresConfigurationBuilder().AddFolder("main", "/x").WithDefault("mian").Build())!.Message,
            Is.EqualTo("stores.default is 'mian', but no store of that name was added (added: main)."));
        Assert.Throws<ArgumentException>(() => new StoresConfigurationBuilder().AddFolder("a", "/x").AddFolder("a", "/y"));
        Assert.Throws<ArgumentException>(() => new StoresConfigurationBuilder().AddFolder("default", "/x"));
    }
}
