using System.Diagnostics;
using System.Reflection;
using DataJoint.Integration.Tests;
using DataJoint.Stores;

namespace DataJoint.Tests.Tools;

/// <summary>
/// Runs a sample program (its built assembly, referenced by this project) as a user would, against the test services:
/// its own schema (<c>DJ_SAMPLE_SCHEMA</c>) and its own location in the S3 bucket (<c>DJ_STORES</c>), both removed
/// afterwards. Fails (CI) or skips (locally) when the services are missing, like the integration tests.
/// </summary>
internal static class SampleRunner
{
    internal static Task<string> RunAsync(Assembly sample, CancellationToken ct, params string[] args) =>
        RunAsync(sample.GetName().Name!, sample.Location, ct, args);

    /// <summary>
    /// Runs the sample twice over the same schema and store, as a user running it again would (README: every sample runs
    /// with one command, any number of times); returns the second run's output.
    /// </summary>
    internal static Task<string> RunTwiceAsync(Assembly sample, CancellationToken ct) =>
        RunAsync(sample.GetName().Name!, sample.Location, runs: 2, ct);

    /// <summary>Runs the program <paramref name="dll"/> (named <paramref name="name"/> in schema names and messages).</summary>
    internal static Task<string> RunAsync(string name, string dll, CancellationToken ct, params string[] args) =>
        RunAsync(name, dll, runs: 1, ct, args);

    private static async Task<string> RunAsync(string name, string dll, int runs, CancellationToken ct, params string[] args)
    {
        var connection = await TestServices.RequireDatabaseAsync();
        TestServices.RequireS3();
        var schema = TestServices.UniqueSchemaName(name);
        var location = $"djnet-test/{Guid.NewGuid():N}";
        var stores = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["main"] = new Dictionary<string, object>
            {
                ["protocol"] = "s3", ["endpoint"] = TestServices.S3Endpoint, ["bucket"] = TestServices.S3Bucket, ["location"] = location,
                ["access_key"] = TestServices.S3AccessKey, ["secret_key"] = TestServices.S3SecretKey, ["secure"] = false, ["region"] = "us-east-1",
            },
        });
        try
        {
            for (var run = 1; run < runs; run++) await RunOnceAsync();
            return await RunOnceAsync();
        }
        finally
        {
            await TestServices.DropSchemaAsync(connection, schema);
            using var provider = new StoreProvider(StoresConfiguration.Parse(stores));
            var store = provider.GetStore("main");
            var paths = new List<string>();
            await foreach (var o in store.ListAsync("", CancellationToken.None)) paths.Add(o.Path);
            foreach (var path in paths) await store.DeleteAsync(path, CancellationToken.None);
        }

        async Task<string> RunOnceAsync()
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(dll);
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["DJ_SAMPLE_SCHEMA"] = schema;
            psi.Environment["DJ_STORES"] = stores;
            psi.Environment["DJ_IGNORE_CONFIG_FILE"] = "true";
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync(ct);
            var stderr = p.StandardError.ReadToEndAsync(ct);
            await p.WaitForExitAsync(ct);
            var output = await stdout;
            var errors = await stderr;
            Assert.That(p.ExitCode, Is.Zero, $"{name} exited with {p.ExitCode}:\n{output}\n{errors}");
            TestContext.Out.WriteLine(output);
            return output;
        }
    }
}
