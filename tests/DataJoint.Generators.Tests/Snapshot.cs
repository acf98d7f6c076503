namespace DataJoint.Generators.Tests;

/// <summary>
/// Approved-file snapshots (Verify is not in our feed): compares generated text with
/// <c>{folder}/{name}.verified.cs</c> beside the tests; on a mismatch writes <c>{name}.received.cs</c> and fails.
/// <c>DJ_ACCEPT_SNAPSHOTS=1</c> accepts the current output.
/// </summary>
internal static class Snapshot
{
    internal static void Verify(string folderInProject, string name, string actual)
    {
        // The project folder comes from the build (AssemblyMetadata "ProjectDirectory"), not [CallerFilePath]:
        // CI builds map source paths to /_/ (ContinuousIntegrationBuild), which would point nowhere.
        var folder = Path.Combine(TestHarness.ProjectDirectory, folderInProject);
        var verified = Path.Combine(folder, name + ".verified.cs");
        var received = Path.Combine(folder, name + ".received.cs");
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable("DJ_ACCEPT_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(verified, actual);
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        var expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
        if (expected != actual)
        {
            File.WriteAllText(received, actual);
            Assert.Fail($"Generated code differs from {verified} (no approved file: {expected is null}). " +
                        $"Wrote {received}; review it and rerun with DJ_ACCEPT_SNAPSHOTS=1 to accept.");
        }
        else if (File.Exists(received))
        {
            File.Delete(received);
        }
    }
}
