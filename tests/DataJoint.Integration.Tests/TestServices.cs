using System.Net.Sockets;
using Minio;
using MySqlConnector;

namespace DataJoint.Integration.Tests;

/// <summary>
/// Where the test services are (from the DJ_* variables that scripts/services.sh prints) and the rule
/// for when one is missing: with CI=true the test fails; on a developer machine it is skipped with a
/// message saying how to start the services.
/// </summary>
public static class TestServices
{
    private const string HowToStart = "Start them with: eval \"$(bash scripts/services.sh)\"";

    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static ConnectionSettings Database => ConnectionSettings.FromEnvironment();

    public static string S3Endpoint => Environment.GetEnvironmentVariable("DJ_S3_ENDPOINT") ?? "127.0.0.1:9000";
    public static string S3Bucket => Environment.GetEnvironmentVariable("DJ_S3_BUCKET") ?? "datajoint-test";
    public static string S3AccessKey => Environment.GetEnvironmentVariable("DJ_S3_ACCESS_KEY") ?? "datajoint";
    public static string S3SecretKey => Environment.GetEnvironmentVariable("DJ_S3_SECRET_KEY") ?? "datajoint";

    /// <summary>Fails (CI) or skips (locally) the calling test unless MariaDB answers.</summary>
    public static async Task<DataJointConnection> RequireDatabaseAsync()
    {
        var settings = Database;
        var connection = new DataJointConnection(settings);
        try
        {
            await using var _ = await connection.OpenAsync();
            return connection;
        }
        catch (DataJointException ex)
        {
            Missing($"MariaDB at {settings}", ex.Message);
            throw; // unreachable
        }
    }

    /// <summary>Fails (CI) or skips (locally) the calling test unless the S3 endpoint accepts TCP connections.</summary>
    public static IMinioClient RequireS3()
    {
        var (host, port) = SplitEndpoint(S3Endpoint);
        try
        {
            using var tcp = new TcpClient();
            if (!tcp.ConnectAsync(host, port).Wait(TimeSpan.FromSeconds(3)))
                throw new SocketException((int)SocketError.TimedOut);
        }
        catch (Exception ex) when (ex is SocketException or AggregateException)
        {
            Missing($"the S3 endpoint at {S3Endpoint}", ex.Message);
        }
        return new MinioClient()
            .WithEndpoint(S3Endpoint)
            .WithCredentials(S3AccessKey, S3SecretKey)
            .WithRegion("us-east-1")
            .WithSSL(false)
            .Build();
    }

    /// <summary>A database name unique to one test, with the project prefix so leftovers are recognisable.</summary>
    public static string UniqueSchemaName(string purpose)
    {
        var name = $"djnet_test_{purpose.ToLowerInvariant()}_{Guid.NewGuid():N}";
        return name.Length <= 64 ? name : name[..64];
    }

    /// <summary>Drops a test database (and everything in it), ignoring a missing one.</summary>
    public static async Task DropSchemaAsync(DataJointConnection connection, string schema)
    {
        await using var conn = await connection.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"DROP DATABASE IF EXISTS `{schema}`";
        await cmd.ExecuteNonQueryAsync();
    }

    private static (string Host, int Port) SplitEndpoint(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return colon > 0 && int.TryParse(endpoint[(colon + 1)..], out var p)
            ? (endpoint[..colon], p)
            : (endpoint, 80);
    }

    /// <summary>Fails (CI) or skips (locally) the calling test because a helper service it needs is missing.</summary>
    public static void MissingService(string what, string detail) => Missing(what, detail);

    internal static void Missing(string what, string detail)
    {
        var message = $"{what} is not reachable ({detail}). {HowToStart}";
        if (IsCi) Assert.Fail("CI=true requires the test services: " + message);
        Assert.Ignore(message);
    }
}
