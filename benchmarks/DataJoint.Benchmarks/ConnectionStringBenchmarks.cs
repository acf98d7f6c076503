using BenchmarkDotNet.Attributes;
using MySqlConnector;

namespace DataJoint.Benchmarks;

/// <summary>
/// Pattern for every suite here: the DataJoint operation next to the raw library call it wraps,
/// in the same run, with the raw call as the baseline.
/// </summary>
[MemoryDiagnoser]
public class ConnectionStringBenchmarks
{
    private readonly ConnectionSettings _settings = new() { Host = "127.0.0.1", Port = 3306, User = "root", Password = "pw" };

    [Benchmark(Baseline = true)]
    public string RawMySqlConnectorBuilder() => new MySqlConnectionStringBuilder
    {
        Server = "127.0.0.1", Port = 3306, UserID = "root", Password = "pw", SslMode = MySqlSslMode.None,
        AllowUserVariables = true, ConnectionTimeout = 15, CharacterSet = "utf8mb4", Pipelining = true,
    }.ConnectionString;

    [Benchmark]
    public string DataJointSettings() => _settings.ToConnectionString();
}
