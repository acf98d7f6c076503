// Quickstart: connect with the DJ_* settings, declare tables in a schema, insert and query rows, store one object.
// Run it with `bash scripts/run-samples.sh` (every sample; starts MariaDB and the S3 endpoint first).
using System.Text;
using DataJoint;
using Minio;
using Minio.DataModel.Args;

var connection = DataJointConnection.FromEnvironment();
Console.WriteLine($"server: {await connection.GetServerVersionAsync()} at {connection.Settings}");

var schemaName = Environment.GetEnvironmentVariable("DJ_SAMPLE_SCHEMA") ?? "djnet_quickstart";
var lab = await Schema.ActivateAsync(connection, schemaName);   // CREATE DATABASE if missing

// Declare tables from definitions (re-running the sample finds them identical and leaves them alone).
var subject = await lab.DeclareAsync("Subject", TableTier.Manual, """
    # experimental subjects
    subject_id : int32
    ---
    species : varchar(64)
    """);
var session = await lab.DeclareAsync("Session", TableTier.Manual, """
    -> Subject
    session_idx : int16
    ---
    quality = null : float64
    """);

await subject.InsertAsync(new[]
{
    new { subject_id = 1, species = "mus musculus" },
    new { subject_id = 2, species = "rattus norvegicus" },
}, new InsertOptions { SkipDuplicates = true });
await session.InsertAsync(new[]
{
    new { subject_id = 1, session_idx = (short)1, quality = 0.9 },
    new { subject_id = 1, session_idx = (short)2, quality = 0.4 },
}, new InsertOptions { SkipDuplicates = true });

await foreach (var row in subject)
    Console.WriteLine($"row: subject_id={row["subject_id"]} species={row["species"]}");
var good = await (session * subject).Restrict("quality > 0.5").FetchAsync("subject_id", "session_idx", "species");
Console.WriteLine($"good sessions: {string.Join(", ", good)}");
var schema = schemaName; // the object store below uses the schema name as its prefix

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
