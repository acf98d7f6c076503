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
        var ex = Assert.Throws<DataJointException>(() => config.GetSpec(""));
        Assert.That(ex!.Message, Does.StartWith("stores.default is not configured"));
        Assert.That(ex.Message, Does.Contain("main"));
        var fp = Assert.Throws<DataJointException>(() => config.GetSpec(null, forFilepath: true));
        Assert.That(fp!.Message, Does.StartWith("stores.filepath_default is not configured"));
    }

    [Test]
    public void UnknownStoreIsNamed()
    {
        var config = StoresConfiguration.Parse(Example);
        var ex = Assert.Throws<DataJointException>(() => config.GetSpec("nope"));
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
        var ex = Assert.Throws<DataJointException>(() => config.GetSpec("s"));
        Assert.That(ex!.Message, Is.EqualTo(message));
    }

    [Test]
    public void OneBrokenStoreDoesNotBreakOthers()
    {
        var config = StoresConfiguration.Parse("""{"good":{"protocol":"file","location":"/x"},"bad":{"protocol":"file"}}""");
        Assert.That(config.GetSpec("good").Location, Is.EqualTo("/x"));
        Assert.Throws<DataJointException>(() => config.GetSpec("bad"));
    }

    [Test]
    public void DefaultMustBeAString()
    {
        var ex = Assert.Throws<DataJointException>(() => StoresConfiguration.Parse("""{"default": 3}"""));
        Assert.That(ex!.Message, Does.StartWith("stores.default must be a string"));
    }

    [Test]
    public void InvalidJsonSaysWhere()
    {
        var ex = Assert.Throws<DataJointException>(() => StoresConfiguration.Parse("{nope", "DJ_STORES"));
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
        var ex = Assert.Throws<DataJointException>(() => provider.GetStore("x"));
        Assert.That(ex!.Message, Does.StartWith("Inaccessible local directory /definitely/not/here"));
    }
}
