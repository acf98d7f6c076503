using Basic.Reference.Assemblies;
using DataJoint.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DataJoint.Generators.Tests;

public class GeneratorSmokeTests
{
    [Test]
    public void GeneratorRuns_AndEmitsTheAssemblyMarker()
    {
        var compilation = CSharpCompilation.Create("Smoke",
            [CSharpSyntaxTree.ParseText("class C { }")],
            Net100.References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new DataJointGenerator());
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);

        Assert.That(diagnostics, Is.Empty);
        Assert.That(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error), Is.Empty);
        var result = driver.GetRunResult().Results.Single();
        Assert.That(result.GeneratedSources.Select(s => s.HintName), Does.Contain("DataJoint.GeneratorMarker.g.cs"));
        Assert.That(output.GetTypeByMetadataName("DataJoint.Generated.DataJointGeneratorMarker"), Is.Not.Null);
    }
}
