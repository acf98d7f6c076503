using DataJoint.Settings;
using DataJoint.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MySqlConnector;

using DataJoint.Logging;
namespace DataJoint.Runtime.Tests.Settings;

/// <summary>Settings read as DataJoint Python 2.x reads them (peers-and-plugins.md §5.2, spec §6.1).</summary>
public class DataJointSettingsTests
{
    private DirectoryInfo _root = null!;
    private string _noSystemSecrets = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("dj-settings-");
        Directory.CreateDirectory(Path.Combine(_root.FullName, ".git"));
        _noSystemSecrets = Path.Combine(_root.FullName, "no-system-secrets");
    }

    [TearDown]
    public void TearDown() => _root.Delete(true);

    private DataJointSettings Load(string? dir = null, Dictionary<string, string>? env = null, string? systemSecrets = null, IConfiguration? overrides = null) =>
        DataJointSettings.Load(dir ?? _root.FullName, k => env?.GetValueOrDefault(k), systemSecrets ?? _noSystemSecrets, overrides);

    private void WriteConfig(string json) => File.WriteAllText(Path.Combine(_root.FullName, "datajoint.json"), json);

    private void WriteSecret(string name, string value)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root.FullName, ".secrets"));
        File.WriteAllText(Path.Combine(dir.FullName, name), value);
    }

    [Test]
    public void DefaultsArePythons()
    {
        var s = Load();
        Assert.Multiple(() =>
        {
            Assert.That((s.Database.Host, s.Database.Port, s.Database.User, s.Database.Password), Is.EqualTo(("localhost", 3306, "root", "")));
            Assert.That(s.Database.Tls, Is.EqualTo(TlsMode.Preferred));
            Assert.That(s.Database.CreateTables, Is.True);
            Assert.That(s.SafeMode, Is.True);
            Assert.That(s.DownloadPath, Is.EqualTo("."));
            Assert.That(s.LogLevel, Is.EqualTo(LogLevel.Information));
            Assert.That(s.Jobs, Is.EqualTo(new JobsSettings()));
            Assert.That((s.Jobs.AutoRefresh, s.Jobs.KeepCompleted, s.Jobs.StaleTimeoutSeconds, s.Jobs.DefaultPriority, s.Jobs.VersionMethod, s.Jobs.AddJobMetadata),
                Is.EqualTo((true, false, 3600, 5, (string?)null, false)));
            Assert.That(s.Stores.StoreNames, Is.Empty);
            Assert.That(s.ConfigFile, Is.Null);
            Assert.That(s.UnknownKeys, Is.Empty);
        });
    }

    [Test]
    public void ReadsEverySectionOfDatajointJson()
    {
        WriteConfig("""
            {
              "database": { "host": "db.lab", "port": 3307, "user": "alice", "password": "pw", "use_tls": true,
                            "create_tables": false, "backend": "mysql", "reconnect": false },
              "stores": { "default": "main", "main": { "protocol": "file", "location": "/data/main", "subfolding": [2, 2] } },
              "jobs": { "auto_refresh": false, "keep_completed": true, "stale_timeout": 60, "default_priority": 3,
                        "version_method": "git", "allow_new_pk_fields_in_computed_tables": true, "add_job_metadata": true },
              "display": { "limit": 7, "width": 20, "show_tuple_count": false, "diagram_direction": "LR" },
              "safemode": false,
              "download_path": "/tmp/downloads",
              "loglevel": "WARNING",
              "fetch_format": "frame",
              "filepath_checksum_size_limit": 1048576
            }
            """);
        var s = Load();
        Assert.Multiple(() =>
        {
            Assert.That(s.ConfigFile, Is.EqualTo(Path.Combine(_root.FullName, "datajoint.json")));
            Assert.That((s.Database.Host, s.Database.Port, s.Database.User, s.Database.Password), Is.EqualTo(("db.lab", 3307, "alice", "pw")));
            Assert.That(s.Database.Tls, Is.EqualTo(TlsMode.Required));
            Assert.That(s.Database.CreateTables, Is.False);
            Assert.That(s.Database.Reconnect, Is.False);
            Assert.That(s.Stores.GetSpec(null).Location, Is.EqualTo("/data/main"));
            Assert.That(s.Stores.GetSpec(null).Subfolding, Is.EqualTo(new[] { 2, 2 }));
            Assert.That(s.Jobs, Is.EqualTo(new JobsSettings
            {
                AutoRefresh = false, KeepCompleted = true, StaleTimeoutSeconds = 60, DefaultPriority = 3, VersionMethod = "git",
                AllowNewPrimaryKeyFieldsInComputedTables = true, AddJobMetadata = true,
            }));
            Assert.That(s.Display, Is.EqualTo(new DisplaySettings { Limit = 7, Width = 20, ShowTupleCount = false, DiagramDirection = "LR" }));
            Assert.That(s.SafeMode, Is.False);
            Assert.That(s.DownloadPath, Is.EqualTo("/tmp/downloads"));
            Assert.That(s.LogLevel, Is.EqualTo(LogLevel.Warning));
            Assert.That(s.FetchFormat, Is.EqualTo("frame"));
            Assert.That(s.FilepathChecksumSizeLimit, Is.EqualTo(1048576));
            Assert.That(s.UnknownKeys, Is.Empty);
        });
    }

    [Test]
    public void DottedKeysWorkAsInPythonsFlatFiles()
    {
        WriteConfig("""{ "database.host": "flat.lab", "database.port": "3310", "safemode": "false", "jobs.keep_completed": "yes" }""");
        var s = Load();
        Assert.That((s.Database.Host, s.Database.Port, s.SafeMode, s.Jobs.KeepCompleted), Is.EqualTo(("flat.lab", 3310, false, true)));
    }

    [Test]
    public void FileIsFoundUpwardButNotPastTheRepositoryRoot()
    {
        WriteConfig("""{ "database": { "host": "found" } }""");
        var deep = Directory.CreateDirectory(Path.Combine(_root.FullName, "analysis", "deep"));
        Assert.That(Load(deep.FullName).Database.Host, Is.EqualTo("found"));

        // A datajoint.json above the folder holding .git is not this project's.
        var outer = Directory.CreateTempSubdirectory("dj-settings-outer-");
        try
        {
            File.WriteAllText(Path.Combine(outer.FullName, "datajoint.json"), """{ "database": { "host": "outside" } }""");
            var repo = Directory.CreateDirectory(Path.Combine(outer.FullName, "repo"));
            File.WriteAllText(Path.Combine(repo.FullName, ".git"), "gitdir: elsewhere"); // a worktree's .git is a file
            var inner = Directory.CreateDirectory(Path.Combine(repo.FullName, "src"));
            Assert.That(Load(inner.FullName).Database.Host, Is.EqualTo("localhost"));
            Assert.That(Load(inner.FullName).ConfigFile, Is.Null);
        }
        finally
        {
            outer.Delete(true);
        }
    }

    [Test]
    public void EnvironmentWinsOverFileAndSecretsFillOnlyWhatIsUnset()
    {
        WriteConfig("""{ "database": { "host": "file-host", "user": "file-user" }, "safemode": true }""");
        WriteSecret("database.user", "secret-user\n");
        WriteSecret("database.password", "secret-pass\n");
        var s = Load(env: new() { ["DJ_HOST"] = "env-host:3399", ["DJ_SAFEMODE"] = "false", ["DJ_JOBS_DEFAULT_PRIORITY"] = "9", ["DJ_LOG_LEVEL"] = "DEBUG" });
        Assert.Multiple(() =>
        {
            Assert.That((s.Database.Host, s.Database.Port), Is.EqualTo(("env-host", 3399)));
            Assert.That(s.Database.User, Is.EqualTo("file-user"), "the file's value wins over a secret");
            Assert.That(s.Database.Password, Is.EqualTo("secret-pass"), "a secret fills what nothing else set");
            Assert.That(s.SafeMode, Is.False);
            Assert.That(s.Jobs.DefaultPriority, Is.EqualTo(9));
            Assert.That(s.LogLevel, Is.EqualTo(LogLevel.Debug));
            Assert.That(s.SecretsDirectory, Is.EqualTo(Path.Combine(_root.FullName, ".secrets")));
        });
    }

    [Test]
    public void EveryPythonVariableIsRead()
    {
        var s = Load(env: new()
        {
            ["DJ_HOST"] = "h", ["DJ_PORT"] = "3401", ["DJ_USER"] = "u", ["DJ_PASS"] = "p", ["DJ_USE_TLS"] = "false",
            ["DJ_CREATE_TABLES"] = "false", ["DJ_DOWNLOAD_PATH"] = "/dl", ["DJ_DIAGRAM_DIRECTION"] = "LR",
            ["DJ_JOBS_KEEP_COMPLETED"] = "true", ["DJ_JOBS_STALE_TIMEOUT"] = "5", ["DJ_JOBS_VERSION_METHOD"] = "none",
            ["DJ_JOBS_AUTO_REFRESH"] = "0", ["DJ_JOBS_ADD_JOB_METADATA"] = "on",
            ["DJ_STORES"] = """{"default":"x","x":{"protocol":"file","location":"/x"}}""",
        });
        Assert.Multiple(() =>
        {
            Assert.That((s.Database.Host, s.Database.Port, s.Database.User, s.Database.Password), Is.EqualTo(("h", 3401, "u", "p")));
            Assert.That(s.Database.Tls, Is.EqualTo(TlsMode.Off));
            Assert.That(s.Database.CreateTables, Is.False);
            Assert.That(s.DownloadPath, Is.EqualTo("/dl"));
            Assert.That(s.Display.DiagramDirection, Is.EqualTo("LR"));
            Assert.That((s.Jobs.KeepCompleted, s.Jobs.StaleTimeoutSeconds, s.Jobs.VersionMethod, s.Jobs.AutoRefresh, s.Jobs.AddJobMetadata),
                Is.EqualTo((true, 5, "none", false, true)));
            Assert.That(s.Stores.GetSpec(null).Location, Is.EqualTo("/x"));
        });
    }

    [Test]
    public void DjStoresReplacesTheFilesStoresAndSecretsStillFillThem()
    {
        WriteConfig("""{ "stores": { "default": "a", "a": { "protocol": "file", "location": "/a" } } }""");
        WriteSecret("stores.b.secret_key", "sk");
        WriteSecret("stores.b.access_key", "ak");
        WriteSecret("stores.a.access_key", "not used: store a is gone");
        var s = Load(env: new() { ["DJ_STORES"] = """{"default":"b","b":{"protocol":"s3","endpoint":"h:9000","bucket":"k","location":""}}""" });
        Assert.That(s.Stores.StoreNames, Is.EquivalentTo(new[] { "b" }));
        var b = s.Stores.GetSpec(null);
        Assert.That((b.AccessKey, b.SecretKey), Is.EqualTo(("ak", "sk")));
    }

    [Test]
    public void IgnoreConfigFileSkipsFileAndSecrets()
    {
        WriteConfig("""{ "database": { "host": "file-host" } }""");
        WriteSecret("database.password", "secret");
        var s = Load(env: new() { ["DJ_IGNORE_CONFIG_FILE"] = "true" });
        Assert.That((s.Database.Host, s.Database.Password, s.ConfigFile, s.SecretsDirectory), Is.EqualTo(("localhost", "", (string?)null, (string?)null)));
    }

    [Test]
    public void SystemSecretsFolderIsUsedWhenTheProjectHasNone()
    {
        var system = Directory.CreateDirectory(Path.Combine(_root.FullName, "run-secrets"));
        File.WriteAllText(Path.Combine(system.FullName, "database.password"), "from-system");
        var s = Load(systemSecrets: system.FullName);
        Assert.That((s.Database.Password, s.SecretsDirectory), Is.EqualTo(("from-system", system.FullName)));
    }

    [Test]
    public void TlsObjectMeansRequiredWithFiles()
    {
        var ca = Path.Combine(_root.FullName, "ca.pem");
        var cert = Path.Combine(_root.FullName, "client.pem");
        var key = Path.Combine(_root.FullName, "client-key.pem");
        foreach (var f in new[] { ca, cert, key }) File.WriteAllText(f, "-----BEGIN CERTIFICATE-----\n");
        WriteConfig($$"""{ "database": { "host": "db", "use_tls": { "ca": "{{ca}}", "cert": "{{cert}}", "key": "{{key}}" } } }""");
        var s = Load().Database;
        Assert.That((s.Tls, s.TlsCaFile, s.TlsCertFile, s.TlsKeyFile), Is.EqualTo((TlsMode.Required, ca, cert, key)));
        var b = new MySqlConnectionStringBuilder(s.ToConnectionString());
        Assert.That((b.SslMode, b.SslCa, b.SslCert, b.SslKey), Is.EqualTo((MySqlSslMode.VerifyCA, ca, cert, key)));

        var full = s with { TlsCheckHostname = true };
        Assert.That(new MySqlConnectionStringBuilder(full.ToConnectionString()).SslMode, Is.EqualTo(MySqlSslMode.VerifyFull));
        Assert.That(new MySqlConnectionStringBuilder((s with { Tls = TlsMode.Off }).ToConnectionString()).SslMode, Is.EqualTo(MySqlSslMode.None));
        Assert.That(new MySqlConnectionStringBuilder(new ConnectionSettings().ToConnectionString()).SslMode, Is.EqualTo(MySqlSslMode.Preferred));
        Assert.That(new MySqlConnectionStringBuilder(new ConnectionSettings { Tls = TlsMode.Required }.ToConnectionString()).SslMode,
            Is.EqualTo(MySqlSslMode.Required));
    }

    [Test]
    public void TlsMistakesSayWhatAndWhere()
    {
        WriteConfig("""{ "database": { "use_tls": { "ca": "/nonexistent/ca.pem" } } }""");
        var ex = Assert.Throws<SettingsException>(() => Load());
        Assert.That(ex!.Message, Does.Contain("database.use_tls.ca").And.Contain("/nonexistent/ca.pem").And.Contain("datajoint.json"));

        WriteConfig("""{ "database": { "use_tls": { "cert": "/x.pem" } } }""");
        ex = Assert.Throws<SettingsException>(() => Load());
        Assert.That(ex!.Message, Does.Contain("both cert and key"));

        WriteConfig("""{ "database": { "use_tls": { "cafile": "/x.pem" } } }""");
        ex = Assert.Throws<SettingsException>(() => Load());
        Assert.That(ex!.Message, Does.Contain("database.use_tls.cafile").And.Contain("ca, cert, key"));
    }

    [Test]
    public void BadValuesNameTheKeyTheSourceAndTheValue()
    {
        WriteConfig("""{ "database": { "port": "abc" } }""");
        var ex = Assert.Throws<SettingsException>(() => Load());
        Assert.That(ex!.Message, Does.Contain("database.port").And.Contain("datajoint.json").And.Contain("'abc'"));
        File.Delete(Path.Combine(_root.FullName, "datajoint.json"));

        ex = Assert.Throws<SettingsException>(() => Load(env: new() { ["DJ_JOBS_DEFAULT_PRIORITY"] = "300" }));
        Assert.That(ex!.Message, Does.Contain("jobs.default_priority").And.Contain("DJ_JOBS_DEFAULT_PRIORITY").And.Contain("0 to 255"));

        ex = Assert.Throws<SettingsException>(() => Load(env: new() { ["DJ_LOG_LEVEL"] = "LOUD" }));
        Assert.That(ex!.Message, Does.Contain("loglevel").And.Contain("DEBUG, INFO"));

        WriteConfig("{ not json");
        ex = Assert.Throws<SettingsException>(() => Load());
        Assert.That(ex!.Message, Does.Contain("datajoint.json is not valid JSON"));
    }

    [Test]
    public void UnknownKeysAreListedNotFatal()
    {
        WriteConfig("""{ "safemod": false, "database": { "hots": "x" }, "display": { "limit": 3 }, "connection": { "charset": "" } }""");
        var s = Load();
        Assert.That(s.UnknownKeys, Has.Count.EqualTo(2));
        Assert.That(s.UnknownKeys[0], Does.StartWith("database.hots (from "));
        Assert.That(s.UnknownKeys[1], Does.StartWith("safemod (from "));
        Assert.That(s.SafeMode, Is.True);
    }

    [Test]
    public void ApplicationConfigurationOverridesPythonSources()
    {
        WriteConfig("""{ "database": { "host": "file-host", "port": 3307 }, "stores": { "default": "a", "a": { "protocol": "file", "location": "/a" } } }""");
        var app = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataJoint:database:host"] = "app-host",
            ["DataJoint:safemode"] = "false",
            ["DataJoint:stores:a:location"] = "/app",
            ["DataJoint:stores:a:subfolding:0"] = "1",
        }).Build();
        var s = Load(env: new() { ["DJ_USER"] = "env-user" }, overrides: app.GetSection("DataJoint"));
        Assert.Multiple(() =>
        {
            Assert.That((s.Database.Host, s.Database.Port, s.Database.User), Is.EqualTo(("app-host", 3307, "env-user")));
            Assert.That(s.SafeMode, Is.False);
            Assert.That(s.Stores.GetSpec("a").Location, Is.EqualTo("/app"));
            Assert.That(s.Stores.GetSpec("a").Subfolding, Is.EqualTo(new[] { 1 }));
        });

        var alone = DataJointSettings.FromConfiguration(app.GetSection("DataJoint"));
        Assert.That((alone.Database.Host, alone.Database.Port), Is.EqualTo(("app-host", 3306)));
    }

    [Test]
    public void FromJsonReadsADocument()
    {
        var s = DataJointSettings.FromJson("""{ "database": { "use_tls": null }, "jobs": { "keep_completed": true } }""");
        Assert.That((s.Database.Tls, s.Jobs.KeepCompleted), Is.EqualTo((TlsMode.Preferred, true)));
    }

    [Test]
    public void AddDataJointRegistersSettingsConnectionAndStores()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataJoint:database:host"] = "di-host",
            // A store name of its own: the real environment (DJ_STORES of scripts/services.sh) is loaded underneath.
            ["DataJoint:stores:default"] = "di_disk",
            ["DataJoint:stores:di_disk:protocol"] = "file",
            ["DataJoint:stores:di_disk:location"] = _root.FullName,
            ["DataJoint:mystery"] = "1",
        }).Build();
        var logs = new ListLoggerProvider();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace))
            .AddDataJoint(s => s with { SafeMode = false });
        using var provider = services.BuildServiceProvider();
        var settings = provider.GetRequiredService<DataJointSettings>();
        var connection = provider.GetRequiredService<DataJointConnection>();
        var stores = provider.GetRequiredService<IStoreProvider>();
        Assert.That(settings.Database.Host, Is.EqualTo("di-host"));
        Assert.That(settings.SafeMode, Is.False);
        Assert.That(connection.Settings.Host, Is.EqualTo("di-host"));
        Assert.That(connection.AllSettings, Is.SameAs(settings));
        Assert.That(stores.GetStore(null).Name, Is.EqualTo("di_disk"));
        Assert.That(logs.Messages, Has.Some.Contains("Unknown DataJoint setting mystery"));
    }

    [Test]
    public void LogLevelSettingFiltersDataJointMessages()
    {
        var logs = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var quiet = new DataJointLoggers(factory, LogLevel.Warning);
        Assert.That(quiet.Sql.IsEnabled(LogLevel.Debug), Is.False);
        Assert.That(quiet.Sql.IsEnabled(LogLevel.Warning), Is.True);
        var loud = new DataJointLoggers(factory, LogLevel.Debug);
        DataJointLog.Statement(loud.Sql, "SELECT 1");
        Assert.That(logs.Messages, Is.EqualTo(new[] { "DataJoint.Sql Debug SELECT 1" }));
    }

    internal sealed class ListLoggerProvider : ILoggerProvider
    {
        public List<string> Messages { get; } = [];

        public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

        public void Dispose() { }

        private sealed class ListLogger(ListLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner.Messages) owner.Messages.Add($"{category} {logLevel} {formatter(state, exception)}");
            }
        }
    }
}
