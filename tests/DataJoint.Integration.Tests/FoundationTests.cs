using System.Text;
using Minio;
using Minio.DataModel.Args;
using MySqlConnector;

namespace DataJoint.Integration.Tests;

/// <summary>The services are real and reachable: one row through MariaDB, one object through S3.</summary>
public class FoundationTests
{
    [Test]
    public async Task MariaDb_WritesAndReadsARow_WithDataJointSessionSettings()
    {
        var connection = await TestServices.RequireDatabaseAsync();
        var schema = TestServices.UniqueSchemaName("found");
        try
        {
            await using var conn = await connection.OpenAsync();
            await Exec(conn, $"CREATE DATABASE `{schema}`");
            await Exec(conn, $"CREATE TABLE `{schema}`.`subject` (`subject_id` int NOT NULL COMMENT \":int32:\", " +
                             "`name` varchar(64) NOT NULL COMMENT \":varchar(64):\", PRIMARY KEY (`subject_id`)) ENGINE=InnoDB");
            await using (var insert = conn.CreateCommand())
            {
                insert.CommandText = $"INSERT INTO `{schema}`.`subject` (`subject_id`, `name`) VALUES (@id, @name)";
                insert.Parameters.AddWithValue("@id", 7);
                insert.Parameters.AddWithValue("@name", "Ünïcødé mouse 🐭");
                Assert.That(await insert.ExecuteNonQueryAsync(), Is.EqualTo(1));
            }
            await using var select = conn.CreateCommand();
            select.CommandText = $"SELECT `subject_id`, `name`, @@SESSION.sql_mode FROM `{schema}`.`subject`";
            await using var reader = await select.ExecuteReaderAsync();
            Assert.That(await reader.ReadAsync(), Is.True);
            Assert.That(reader.GetInt32(0), Is.EqualTo(7));
            Assert.That(reader.GetString(1), Is.EqualTo("Ünïcødé mouse 🐭"));
            Assert.That(reader.GetString(2), Does.Contain("STRICT_ALL_TABLES").And.Contain("ONLY_FULL_GROUP_BY"));
            Assert.That(await reader.ReadAsync(), Is.False);
        }
        finally
        {
            await TestServices.DropSchemaAsync(connection, schema);
        }
    }

    [Test]
    public async Task S3_PutGetListRemove_ThroughMinio()
    {
        var client = TestServices.RequireS3();
        var bucket = TestServices.S3Bucket;
        if (!await client.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket)))
            await client.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));

        var prefix = $"foundation/{Guid.NewGuid():N}/";
        var key = prefix + "hello.txt";
        var payload = Encoding.UTF8.GetBytes("hello, store");
        using (var upload = new MemoryStream(payload))
        {
            await client.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject(key)
                .WithStreamData(upload).WithObjectSize(payload.Length).WithContentType("application/octet-stream"));
        }

        var stat = await client.StatObjectAsync(new StatObjectArgs().WithBucket(bucket).WithObject(key));
        Assert.That(stat.Size, Is.EqualTo(payload.Length));

        using var downloaded = new MemoryStream();
        await client.GetObjectAsync(new GetObjectArgs().WithBucket(bucket).WithObject(key)
            .WithCallbackStream((s, ct) => s.CopyToAsync(downloaded, ct)));
        Assert.That(downloaded.ToArray(), Is.EqualTo(payload));

        var listed = new List<string>();
        await foreach (var item in client.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(bucket).WithPrefix(prefix).WithRecursive(true)))
            listed.Add(item.Key);
        Assert.That(listed, Is.EqualTo(new[] { key }));

        await client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(bucket).WithObject(key));
        var after = new List<string>();
        await foreach (var item in client.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(bucket).WithPrefix(prefix).WithRecursive(true)))
            after.Add(item.Key);
        Assert.That(after, Is.Empty);
    }

    private static async Task Exec(MySqlConnection conn, string sql)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }
}
