using System.Diagnostics;
using System.Reflection;

namespace DataJoint.Packaging.Tests;

/// <summary>
/// Packs DataJoint.Runtime, the plugin codec packages and the dj tool once per test run (one pack of a solution filter) into a temporary feed (unique version, so the NuGet cache never serves an
/// older build) and writes consumer projects against it; runs <c>dotnet</c> as a user would.
/// </summary>
internal static class PackageFeed
{
    /// <summary>The projects packed into the feed: the runtime, the plugin codec packages and the dj tool.</summary>
    internal static readonly string[] PackedProjects =
    [
        "src/DataJoint.Runtime/DataJoint.Runtime.csproj",
        "plugins/DataJoint.Codecs.Zarr/DataJoint.Codecs.Zarr.csproj",
        "plugins/DataJoint.Codecs.Hdf5/DataJoint.Codecs.Hdf5.csproj",
        "src/DataJoint.Tool/DataJoint.Tool.csproj",
    ];

    /// <summary>Their package ids.</summary>
    internal static readonly string[] PackageIds = ["DataJoint.Runtime", "DataJoint.Codecs.Zarr", "DataJoint.Codecs.Hdf5", "DataJoint.Tool"];

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (string Work, string Feed, string Version)? packed;

    public static string RepoRoot =>
        typeof(PackageFeed).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    /// <summary>The runtime's project file.</summary>
    public static string RuntimeProject => Path.Combine(RepoRoot, PackedProjects[0]);

    /// <summary>The generator's project file.</summary>
    public static string GeneratorProject => Path.Combine(RepoRoot, "src", "DataJoint.Generators", "DataJoint.Generators.csproj");

    /// <summary>The packed feed (packing on first use).</summary>
    public static async Task<(string Work, string Feed, string Version)> GetAsync(CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        try
        {
            if (packed is { } p) return p;
            var work = Directory.CreateTempSubdirectory("dj-pack-").FullName;
            var version = $"0.0.1-packtest.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
            var feed = Path.Combine(work, "feed");
            var artifacts = Path.Combine(work, "artifacts");
            // One pack of a solution filter: the runtime and the plugin codec packages build together.
            var filter = Path.Combine(work, "packages.slnf");
            var solution = Path.Combine(RepoRoot, "DataJoint.sln").Replace("\\", "\\\\");
            var projects = string.Join(", ", PackedProjects.Select(p => $"\"{p}\""));
            await File.WriteAllTextAsync(filter, "{\"solution\": {\"path\": \"" + solution + "\", \"projects\": [" + projects + "]}}", ct);
            var (code, text) = await RunAsync(RepoRoot, ct, "pack", filter,
                "-c", "Release", "-o", feed, $"-p:Version={version}", "-p:UseArtifactsOutput=true", $"-p:ArtifactsPath={artifacts}");
            Assert.That(code, Is.Zero, "dotnet pack failed:\n" + text);
            packed = (work, feed, version);
            return packed.Value;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Deletes the feed and every consumer (called once after all tests).</summary>
    public static void Delete()
    {
        if (packed is { } p)
        {
            try { Directory.Delete(p.Work, recursive: true); } catch (IOException) { }
            // Leave no test versions of these packages in the NuGet cache.
            var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            foreach (var id in PackageIds)
                try { Directory.Delete(Path.Combine(cache, id.ToLowerInvariant(), p.Version), recursive: true); } catch (IOException) { }
            packed = null;
        }
    }

    /// <summary>
    /// A consumer folder with nuget.config (the feed first), the project file (DataJoint.Runtime and any
    /// <paramref name="otherPackages"/> of the feed) and the given sources.
    /// </summary>
    public static Task<string> ConsumerAsync(string name, string projectProperties, string packageAttributes,
        IReadOnlyDictionary<string, string> files, CancellationToken ct, IEnumerable<string>? otherPackages = null) =>
        ProjectAsync(name, projectProperties, version =>
            $"<PackageReference Include=\"DataJoint.Runtime\" Version=\"{version}\" {packageAttributes} />" +
            string.Concat((otherPackages ?? []).Select(id => $"<PackageReference Include=\"{id}\" Version=\"{version}\" />")), files, ct);

    /// <summary>
    /// A consumer folder with nuget.config (the feed first), an executable project with <paramref name="projectProperties"/>
    /// and the items <paramref name="items"/> makes from the packed version, and the given sources.
    /// </summary>
    public static async Task<string> ProjectAsync(string name, string projectProperties, Func<string, string> items,
        IReadOnlyDictionary<string, string> files, CancellationToken ct)
    {
        var (work, feed, version) = await GetAsync(ct);
        var dir = Path.Combine(work, name);
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """, ct);
        await File.WriteAllTextAsync(Path.Combine(dir, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                {projectProperties}
              </PropertyGroup>
              <ItemGroup>
                {items(version)}
              </ItemGroup>
            </Project>
            """, ct);
        foreach (var (file, text) in files) await File.WriteAllTextAsync(Path.Combine(dir, file), text, ct);
        return dir;
    }

    /// <summary>
    /// The global properties that build the runtime as the pack did (same artifacts folder and version), so a consumer's
    /// <c>ProjectReference</c> to it finds its outputs there instead of writing into the repository.
    /// </summary>
    public static async Task<string[]> RuntimeBuildPropertiesAsync(CancellationToken ct)
    {
        var (work, _, version) = await GetAsync(ct);
        return [$"-p:Version={version}", "-p:UseArtifactsOutput=true", $"-p:ArtifactsPath={Path.Combine(work, "artifacts")}"];
    }

    /// <summary>Runs <c>dotnet</c> with the arguments; returns the exit code and stdout+stderr.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, CancellationToken ct, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        return (p.ExitCode, await stdout + await stderr);
    }

    /// <summary>As <see cref="RunAsync"/>, asserting success.</summary>
    public static async Task<string> DotnetAsync(string workingDirectory, CancellationToken ct, params string[] args)
    {
        var (code, text) = await RunAsync(workingDirectory, ct, args);
        Assert.That(code, Is.Zero, $"dotnet {string.Join(' ', args)} failed:\n{text}");
        return text;
    }
}

[SetUpFixture]
public sealed class PackageFeedCleanup
{
    [OneTimeTearDown]
    public void DeleteFeed() => PackageFeed.Delete();
}
