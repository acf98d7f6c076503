using System.Diagnostics;
using System.Reflection;
using DataJoint.Integration.Tests.Tables;
using DataJoint.Introspection;

namespace DataJoint.Integration.Tests.Introspection;

/// <summary>
/// A Python-made schema scaffolded to C# classes: the files compile with the generator in a consumer project (built by
/// the test with dotnet build), an unknown codec is the generator's DJ0001 naming it, and with that codec added the
/// program reads every row through the typed API. Re-scaffolding an unchanged schema changes no file.
/// </summary>
public class ScaffoldTests : SchemaFixture
{
    protected override string Purpose => "scaffold";

    private static string RepoRoot =>
        typeof(ScaffoldTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    [Test]
    [CancelAfter(600_000)]
    public async Task ScaffoldedClassesCompileAndReadEveryRow(CancellationToken ct)
    {
        await LabPipeline.CreateAsync(ExecAsync, Schema.Database);
        var work = Directory.CreateTempSubdirectory("djnet-scaffold-");
        try
        {
            var tables = Path.Combine(work.FullName, "Tables");
            var first = await Scaffolder.WriteAsync(await Schema.ReadCatalogAsync(ct), "Lab.Pipeline", tables, ct);
            Assert.That(first.Written.Select(Path.GetFileName), Is.EqualTo(new[] { "Species.cs", "Subject.cs", "Session.cs", "Summary.cs" }));
            var stamps = first.Written.ToDictionary(f => f, File.GetLastWriteTimeUtc);
            var again = await Scaffolder.WriteAsync(await Schema.ReadCatalogAsync(ct), "Lab.Pipeline", tables, ct);
            Assert.That(again.Written, Is.Empty, "an unchanged schema rewrites nothing");
            Assert.That(first.Written.All(f => File.GetLastWriteTimeUtc(f) == stamps[f]));

            var session = File.ReadAllText(Path.Combine(tables, "Session.cs"));
            Assert.That(session, Does.Contain($"[Table(Schema = \"{Schema.Database}\")]\npublic partial class Session : Manual"));
            Assert.That(session, Does.Contain("    [Table]\n    public partial class Trial : Part<Session>"));
            Assert.That(session, Does.Contain("            -> master\n"));

            File.WriteAllText(Path.Combine(work.FullName, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                  </PropertyGroup>
                  <ItemGroup>
                    <ProjectReference Include="{RepoRoot}src/DataJoint.Runtime/DataJoint.Runtime.csproj" />
                    <ProjectReference Include="{RepoRoot}src/DataJoint.Generators/DataJoint.Generators.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(work.FullName, "Program.cs"), """
                using DataJoint;
                using Lab.Pipeline;

                var schema = await Schema.OpenAsync(DataJointConnection.FromEnvironment(), args[0]);
                foreach (var r in await (await Species.TableAsync(schema)).FetchAsync()) Console.WriteLine(r);
                foreach (var r in await (await Subject.TableAsync(schema)).FetchAsync()) Console.WriteLine(r);
                foreach (var r in await (await Session.TableAsync(schema)).FetchAsync()) Console.WriteLine(r);
                foreach (var r in await (await Session.Trial.TableAsync(schema)).FetchAsync()) Console.WriteLine(r);
                foreach (var r in await (await Summary.TableAsync(schema)).FetchAsync()) Console.WriteLine(r);
                """);

            // <zarr@> is a codec this program does not have: the build fails with the generator's diagnostic naming it.
            var (code, output) = await DotnetAsync(work.FullName, ct, "build", "-c", "Release", "-nologo", "-clp:ErrorsOnly");
            Assert.That(code, Is.Not.Zero);
            Assert.That(output, Does.Contain("DJ0001").And.Contain("zarr").And.Contain("Summary.cs"));

            // With the codec added, the classes compile and read every row.
            File.WriteAllText(Path.Combine(work.FullName, "ZarrCodec.cs"), """
                using System.Text.Json;
                using DataJoint;

                [Codec("zarr", InStore = "json")]
                public sealed partial class ZarrCodec : Codec<string, JsonElement>
                {
                    protected override JsonElement Encode(string value, EncodeContext ctx) => JsonSerializer.SerializeToElement(value);
                    protected override string Decode(JsonElement stored, DecodeContext ctx) => stored.ToString();
                }
                """);
            (code, output) = await DotnetAsync(work.FullName, ct, "build", "-c", "Release", "-nologo", "-clp:ErrorsOnly");
            Assert.That(code, Is.Zero, output);
            (code, output) = await DotnetAsync(work.FullName, ct, "run", "-c", "Release", "--no-build", "--", Schema.Database);
            Assert.That(code, Is.Zero, output);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.That(lines, Has.Length.EqualTo(2 + 2 + 2 + 2 + 1), output);
            Assert.That(output, Does.Contain("Latin = Mus musculus").And.Contain("Latin = Rattus norvegicus"));
            Assert.That(output, Does.Contain("SubjectId = 2").And.Contain("HelperId = 2").And.Contain("Notes = first"));
            Assert.That(output, Does.Contain("Outcome = True").And.Contain("Outcome = False"));
            Assert.That(output, Does.Contain("HitRate = 0.5").And.Contain("RunUid = 00112233-4455-6677-8899-aabbccddeeff"));
        }
        finally
        {
            work.Delete(true);
        }
    }

    internal static async Task<(int Code, string Output)> DotnetAsync(string dir, CancellationToken ct, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        return (p.ExitCode, await stdout + await stderr);
    }
}
