using DataJoint.Settings;
using Microsoft.Extensions.Logging;

namespace DataJoint.Integration.Tests.Connection;

/// <summary>DataJoint logs through the application's ILoggerFactory: statements at Debug, declarations and GC at Information.</summary>
public class LoggingTests
{
    internal sealed class Capture : ILoggerProvider
    {
        public List<(string Category, LogLevel Level, string Message)> Entries { get; } = [];
        public ILogger CreateLogger(string categoryName) => new L(this, categoryName);
        public void Dispose() { }

        private sealed class L(Capture owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner.Entries) owner.Entries.Add((category, logLevel, formatter(state, exception)));
            }
        }
    }

    [Test]
    public async Task StatementsAtDebugDeclarationsAtInformation()
    {
        await TestServices.RequireDatabaseAsync();
        var capture = new Capture();
        using var factory = LoggerFactory.Create(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Trace));
        var connection = DataJointConnection.FromSettings(new DataJointSettings { Database = TestServices.Database, LogLevel = LogLevel.Debug }, factory);
        var name = TestServices.UniqueSchemaName("logging");
        try
        {
            var schema = await Schema.ActivateAsync(connection, name);
            var t = await schema.DeclareAsync("Probe", TableTier.Manual, "id : int32\n---\nv : varchar(8)");
            await t.InsertAsync([new { id = 1, v = "a" }]);
            Assert.That(await t.CountAsync(), Is.EqualTo(1));

            List<(string Category, LogLevel Level, string Message)> entries;
            lock (capture.Entries) entries = capture.Entries.ToList();
            Assert.That(entries, Has.Some.Matches<(string Category, LogLevel Level, string Message)>(e =>
                e.Category == "DataJoint.Schema" && e.Level == LogLevel.Information && e.Message == $"Created schema `{name}`"));
            Assert.That(entries, Has.Some.Matches<(string Category, LogLevel Level, string Message)>(e =>
                e.Category == "DataJoint.Schema" && e.Level == LogLevel.Information && e.Message == $"Declared table `{name}`.`probe`"));
            Assert.That(entries, Has.Some.Matches<(string Category, LogLevel Level, string Message)>(e =>
                e.Category == "DataJoint.Sql" && e.Level == LogLevel.Debug && e.Message.StartsWith("CREATE TABLE IF NOT EXISTS", StringComparison.Ordinal)));
            Assert.That(entries, Has.Some.Matches<(string Category, LogLevel Level, string Message)>(e =>
                e.Category == "DataJoint.Sql" && e.Level == LogLevel.Debug && e.Message.StartsWith($"INSERT INTO `{name}`.`probe`", StringComparison.Ordinal)));
            Assert.That(entries, Has.Some.Matches<(string Category, LogLevel Level, string Message)>(e =>
                e.Category == "DataJoint.Sql" && e.Message.StartsWith("SELECT COUNT(*)", StringComparison.Ordinal)));

            // loglevel WARNING (as in datajoint.json) silences them.
            capture.Entries.Clear();
            var quiet = DataJointConnection.FromSettings(new DataJointSettings { Database = TestServices.Database, LogLevel = LogLevel.Warning }, factory);
            var s2 = await Schema.ActivateAsync(quiet, name);
            Assert.That(await (await s2.OpenTableAsync("probe")).CountAsync(), Is.EqualTo(1));
            Assert.That(capture.Entries.Where(e => e.Category.StartsWith("DataJoint", StringComparison.Ordinal)), Is.Empty);
        }
        finally
        {
            await TestServices.DropSchemaAsync(connection, name);
        }
    }
}
