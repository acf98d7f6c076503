using Microsoft.Extensions.Logging;

namespace DataJoint.Logging;

/// <summary>
/// DataJoint's log messages (source-generated, no allocation when the level is off). Categories are
/// <c>DataJoint.Connection</c>, <c>DataJoint.Sql</c>, <c>DataJoint.Schema</c>, <c>DataJoint.Populate</c> and <c>DataJoint.GarbageCollection</c>.
/// SQL statements log at Debug; declarations, populate and garbage-collection progress at Information.
/// </summary>
internal static partial class DataJointLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Opened a session on {Server} (TLS {Tls})")]
    public static partial void Connected(ILogger logger, string server, string tls);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "{Sql}")]
    public static partial void Statement(ILogger logger, string sql);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Unknown DataJoint setting {Key}; it is ignored")]
    public static partial void UnknownSetting(ILogger logger, string key);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Declared table `{Database}`.`{Table}`")]
    public static partial void Declared(ILogger logger, string database, string table);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Created schema `{Database}`")]
    public static partial void CreatedSchema(ILogger logger, string database);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning,
        Message = "Semantic check disabled: ~lineage table not found. To enable semantic matching, rebuild lineage with: schema.rebuild_lineage()")]
    public static partial void SemanticCheckSkipped(ILogger logger);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning,
        Message = "The connection to the database server was lost while populating {Table}; reconnecting ({Reason})")]
    public static partial void Reconnecting(ILogger logger, string table, string reason);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning,
        Message = "The key {Key} of {Table} failed transiently (attempt {Attempt} of {Attempts}); it was rolled back and is tried again: {Reason}")]
    public static partial void KeyRetried(ILogger logger, string key, string table, int attempt, int attempts, string reason);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information,
        Message = "Garbage collection of store '{Store}', schemas {Schemas}: {Referenced} referenced, {Stored} stored, {Orphaned} orphaned ({OrphanedBytes} bytes){Action}")]
    public static partial void GarbageCollected(ILogger logger, string store, string schemas, int referenced, int stored, int orphaned, long orphanedBytes, string action);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Garbage collection of store '{Store}': scanning schema `{Database}` ({Tables} tables)")]
    public static partial void GarbageScan(ILogger logger, string store, string database, int tables);
}

/// <summary>
/// Hands out DataJoint's loggers from the application's <see cref="ILoggerFactory"/>, dropping messages below the
/// <c>loglevel</c> setting (so <c>"loglevel": "WARNING"</c> in <c>datajoint.json</c> quiets DataJoint as it quiets Python).
/// </summary>
internal sealed class DataJointLoggers(ILoggerFactory? factory, LogLevel minimum)
{
    public static DataJointLoggers None { get; } = new(null, LogLevel.None);

    public ILogger Connection { get; } = Create(factory, "DataJoint.Connection", minimum);
    public ILogger Sql { get; } = Create(factory, "DataJoint.Sql", minimum);
    public ILogger Schema { get; } = Create(factory, "DataJoint.Schema", minimum);
    public ILogger GarbageCollection { get; } = Create(factory, "DataJoint.GarbageCollection", minimum);
    public ILogger Populate { get; } = Create(factory, "DataJoint.Populate", minimum);

    /// <summary>A logger of category <paramref name="category"/> that honours the <c>loglevel</c> setting.</summary>
    public ILogger For(string category) => Create(factory, category, minimum);

    private static ILogger Create(ILoggerFactory? factory, string category, LogLevel minimum) =>
        factory is null || minimum == LogLevel.None
            ? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance
            : new Filtered(factory.CreateLogger(category), minimum);

    private sealed class Filtered(ILogger inner, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
