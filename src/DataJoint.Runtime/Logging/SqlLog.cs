using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace DataJoint.Logging;

/// <summary>
/// Statement logging at Debug (category <c>DataJoint.Sql</c>). A session opened by a <see cref="DataJointConnection"/>
/// whose SQL logger is on is remembered here (weakly); every place that sends SQL calls <see cref="Statement"/>, which
/// costs one table lookup when nobody listens.
/// </summary>
internal static class SqlLog
{
    private static readonly ConditionalWeakTable<DbConnection, ILogger> Listening = new();
    private static volatile bool _anyone;

    public static void Attach(DbConnection connection, ILogger logger)
    {
        Listening.AddOrUpdate(connection, logger);
        _anyone = true;
    }

    public static void Statement(DbConnection? connection, string sql)
    {
        if (!_anyone || connection is null || !Listening.TryGetValue(connection, out var logger)) return;
        DataJointLog.Statement(logger, sql);
    }
}
