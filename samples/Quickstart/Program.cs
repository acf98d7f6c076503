// Quickstart: connect with the DJ_* settings, create a schema, write and read one row and one object.
// Run it with `bash scripts/run-sample.sh` (starts MariaDB and the S3 endpoint first).
using System.Text;
using DataJoint;
using Minio;
using Minio.DataModel.Args;

var connection = DataJointConnection.FromEnvironment();
Console.WriteLine($"server: {await connection.GetServerVersionAsync()} at {connection.Settings}");

var schema = Environment.GetEnvironmentVariable("DJ_SAMPLE_SCHEMA") ?? "djnet_quickstart";
await using (var conn = await connection.OpenAsync())
{
    foreach (var sql in new[]
    {
        $"CREATE DATABASE IF NOT EXISTS `{schema}`",
        $"CREATE TABLE IF NOT EXISTS `{schema}`.`subject` (`subject_id` int NOT NULL COMMENT \":int32:\", " +
        "`species` varchar(64) NOT NULL COMMENT \":varchar(64):\", PRIMARY KEY (`subject_id`)) ENGINE=InnoDB",
        $"REPLACE INTO `{schema}`.`subject` VALUES (1, 'mus musculus')",
    })
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }
    await using var select = conn.CreateCommand();
    select.CommandText = $"SELECT subject_id, species FROM `{schema}`.`subject`";
    await using var reader = await select.ExecuteReaderAsync();
    while (await reader.ReadAsync())
        Console.WriteLine($"row: subject_id={reader.GetInt32(0)} species={reader.GetString(1)}");
}

var endpoint = Environment.GetEnvironmentVariable("DJ_S3_ENDPOINT") ?? "127.0.0.1:9000";
var bucket = Environment.GetEnvironmentVariable("DJ_S3_BUCKET") ?? "datajoint-test";
var s3 = new MinioClient().WithEndpoint(endpoint)
    .WithCredentials(Environment.GetEnvironmentVariable("DJ_S3_ACCESS_KEY") ?? "datajoint",
                     Environment.GetEnvironmentVariable("DJ_S3_SECRET_KEY") ?? "datajoint")
    .WithRegion("us-east-1").WithSSL(false).Build();
if (!await s3.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket)))
    await s3.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));
var bytes = Encoding.UTF8.GetBytes("hello from DataJoint for .NET");
using (var ms = new MemoryStream(bytes))
    await s3.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject($"{schema}/hello.txt")
        .WithStreamData(ms).WithObjectSize(bytes.Length));
using var back = new MemoryStream();
await s3.GetObjectAsync(new GetObjectArgs().WithBucket(bucket).WithObject($"{schema}/hello.txt")
    .WithCallbackStream((s, ct) => s.CopyToAsync(back, ct)));
Console.WriteLine($"object: {bucket}/{schema}/hello.txt = \"{Encoding.UTF8.GetString(back.ToArray())}\"");
