using System.Collections;
using System.Reflection;
using DataJoint.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DataJoint.Generators.Tests;

/// <summary>
/// The generator's pipeline caches: unrelated edits leave every step Cached/Unchanged; editing one codec re-emits only
/// what depends on it. Pipeline values hold no symbols, syntax, compilations or raw arrays.
/// </summary>
public class IncrementalCachingTests
{
    private const string CodecA = """
        using DataJoint;
        namespace Lab;
        public sealed record AData(int[] Values);
        [Codec("a", InTable = "<blob>")]
        public sealed partial class ACodec : Codec<int[], AData>
        {
            protected override AData Encode(int[] v, EncodeContext ctx) => new(v);
            protected override int[] Decode(AData d, DecodeContext ctx) => d.Values;
        }
        """;

    private const string CodecB = """
        using DataJoint;
        namespace Lab;
        [Codec("b", InTable = "varchar(64)")]
        public sealed partial class BCodec : Codec<string, string>
        {
            protected override string Encode(string v, EncodeContext ctx) => v;
            protected override string Decode(string v, DecodeContext ctx) => v;
        }
        """;

    private const string Other = """
        namespace Lab;
        public static class Helpers
        {
            public static int Twice(int x) => x * 2;
        }
        """;

    private static readonly string[] AllSteps =
    [
        DataJointGenerator.Steps.LocalCodecs, DataJointGenerator.Steps.CodecOutputs, DataJointGenerator.Steps.ReferencedCodecs,
        DataJointGenerator.Steps.RegistryEntries, DataJointGenerator.Steps.Registry,
    ];

    private static GeneratorDriver NewDriver() => CSharpGeneratorDriver.Create(
        [new DataJointGenerator().AsSourceGenerator()],
        parseOptions: TestHarness.ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) FirstRun(params string[] sources)
    {
        var compilation = TestHarness.Compile("Caching", sources);
        var driver = NewDriver().RunGenerators(compilation);
        return (driver, compilation);
    }

    private static CSharpCompilation Replace(CSharpCompilation c, int index, string newText)
    {
        var old = c.SyntaxTrees.ElementAt(index);
        return c.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(newText, TestHarness.ParseOptions, path: old.FilePath));
    }

    private static Dictionary<string, IncrementalStepRunReason[]> Reasons(GeneratorDriver driver)
    {
        var result = driver.GetRunResult().Results.Single();
        return result.TrackedSteps
            .Where(kv => AllSteps.Contains(kv.Key))
            .ToDictionary(kv => kv.Key, kv => kv.Value.SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray());
    }

    private static IncrementalStepRunReason[] OutputReasons(GeneratorDriver driver) =>
        driver.GetRunResult().Results.Single().TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    private static void AssertAllCachedOrUnchanged(GeneratorDriver driver)
    {
        var reasons = Reasons(driver);
        Assert.That(reasons.Keys, Is.SupersetOf(AllSteps), "every pipeline step has a tracking name and ran");
        foreach (var (step, r) in reasons)
        {
            Assert.That(r, Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged), step);
        }
        Assert.That(OutputReasons(driver), Is.All.EqualTo(IncrementalStepRunReason.Cached));
    }

    [Test]
    public void SameCompilationAgain_AllCached()
    {
        var (driver, compilation) = FirstRun(CodecA, CodecB, Other);
        driver = driver.RunGenerators(compilation.Clone());
        AssertAllCachedOrUnchanged(driver);
    }

    [Test]
    public void EditingAnUnrelatedMethodBody_LeavesEverythingCachedOrUnchanged()
    {
        var (driver, compilation) = FirstRun(CodecA, CodecB, Other);
        driver = driver.RunGenerators(Replace(compilation, 2, Other.Replace("x * 2", "x + x")));
        AssertAllCachedOrUnchanged(driver);
    }

    [Test]
    public void EditingACodecsMethodBody_LeavesEverythingCachedOrUnchanged()
    {
        var (driver, compilation) = FirstRun(CodecA, CodecB, Other);
        driver = driver.RunGenerators(Replace(compilation, 1, CodecB.Replace("=> v;", "=> v + \"\";")));
        AssertAllCachedOrUnchanged(driver);
    }

    [Test]
    public void AddingAnUnrelatedFile_LeavesEverythingCachedOrUnchanged()
    {
        var (driver, compilation) = FirstRun(CodecA, CodecB, Other);
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Extra { }", TestHarness.ParseOptions, path: "Extra.cs")));
        AssertAllCachedOrUnchanged(driver);
    }

    [Test]
    public void EditingOneCodec_RegeneratesOnlyWhatDependsOnIt()
    {
        var (driver, compilation) = FirstRun(CodecA, CodecB, Other);
        driver = driver.RunGenerators(Replace(compilation, 1, CodecB.Replace("varchar(64)", "varchar(128)")));
        var reasons = Reasons(driver);
        Assert.That(reasons[DataJointGenerator.Steps.LocalCodecs], Is.EquivalentTo(new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Modified }));
        Assert.That(reasons[DataJointGenerator.Steps.CodecOutputs], Is.EquivalentTo(new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Modified }));
        Assert.That(reasons[DataJointGenerator.Steps.ReferencedCodecs], Is.All.EqualTo(IncrementalStepRunReason.Unchanged));
        Assert.That(reasons[DataJointGenerator.Steps.Registry], Is.All.EqualTo(IncrementalStepRunReason.Modified));

        var sources = driver.GetRunResult().Results.Single().GeneratedSources;
        Assert.That(sources.Single(s => s.HintName == "Lab.BCodec.DataJointCodec.g.cs").SourceText.ToString(), Does.Contain("\"varchar(128)\""));
    }

    [Test]
    public void EditingTheStoredRecord_RegeneratesTheMapperButNotTheRegistry()
    {
        var (driver, compilation) = FirstRun(CodecA, CodecB, Other);
        driver = driver.RunGenerators(Replace(compilation, 0, CodecA.Replace("AData(int[] Values)", "AData(int[] Values, string Unit)")
            .Replace("new(v)", "new(v, \"mm\")")));
        var reasons = Reasons(driver);
        Assert.That(reasons[DataJointGenerator.Steps.CodecOutputs], Does.Contain(IncrementalStepRunReason.Modified));
        Assert.That(reasons[DataJointGenerator.Steps.RegistryEntries], Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged));
        Assert.That(reasons[DataJointGenerator.Steps.Registry], Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged));
    }

    [Test]
    public void PipelineValues_HoldNoSymbolsSyntaxCompilationsOrArrays()
    {
        var (driver, compilation) = FirstRun(CodecA, CodecB, Other);
        driver = driver.RunGenerators(compilation.Clone());
        var result = driver.GetRunResult().Results.Single();
        var walked = 0;
        foreach (var step in AllSteps)
        {
            foreach (var run in result.TrackedSteps[step])
            {
                foreach (var (value, _) in run.Outputs)
                {
                    walked += Walk(value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
                }
            }
        }
        Assert.That(walked, Is.GreaterThan(10), "the walk visited the models");
    }

    [Test]
    public void ModelTypes_AreEquatableRecordsWithoutRoslynFieldsOrRawCollections()
    {
        var modelTypes = typeof(DataJointGenerator).Assembly.GetTypes()
            .Where(t => t.Namespace == "DataJoint.Generators.Model" && !t.IsGenericTypeDefinition && !t.Name.StartsWith('<'))
            .ToList();
        Assert.That(modelTypes.Select(t => t.Name), Is.SupersetOf(new[] { "CodecModel", "RecordMapperModel", "RegistryModel", "RegistryEntry", "ReferencedCodecModel" }));
        foreach (var t in modelTypes)
        {
            Assert.That(t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEquatable<>)), Is.True, t.Name + " is equatable");
            foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                var ft = f.FieldType;
                Assert.That(ft.Namespace ?? "", Does.Not.StartWith("Microsoft.CodeAnalysis"), $"{t.Name}.{f.Name}");
                if (t.Name.StartsWith("EquatableArray", StringComparison.Ordinal)) continue;
                Assert.That(ft.IsArray || (ft.IsGenericType && ft.GetGenericTypeDefinition() == typeof(List<>)), Is.False, $"{t.Name}.{f.Name} is a raw collection");
            }
        }
    }

    private static int Walk(object? node, string path, HashSet<object> seen)
    {
        if (node is null || node is string || node.GetType().IsPrimitive || node.GetType().IsEnum) return 1;
        Assert.That(node, Is.Not.InstanceOf<ISymbol>().And.Not.InstanceOf<SyntaxNode>().And.Not.InstanceOf<Compilation>()
            .And.Not.InstanceOf<SyntaxTree>().And.Not.InstanceOf<Location>().And.Not.InstanceOf<Diagnostic>(), path);
        var type = node.GetType();
        if (!type.IsValueType && !seen.Add(node)) return 0;
        var isEquatableArray = type.IsGenericType && type.GetGenericTypeDefinition().Name.StartsWith("EquatableArray", StringComparison.Ordinal);
        if (!isEquatableArray)
        {
            Assert.That(node is Array, Is.False, path + " is a raw array");
            Assert.That(type.IsGenericType && type.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>), Is.False, path + " is an ImmutableArray");
        }
        var count = 1;
        if (node is IEnumerable items && isEquatableArray)
        {
            foreach (var item in items) count += Walk(item, path + "[]", seen);
            return count;
        }
        if (type.IsGenericType && type.FullName!.StartsWith("System.ValueTuple", StringComparison.Ordinal) || type.Namespace?.StartsWith("DataJoint", StringComparison.Ordinal) == true)
        {
            foreach (var f in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                count += Walk(f.GetValue(node), path + "." + f.Name, seen);
            }
        }
        return count;
    }
}
