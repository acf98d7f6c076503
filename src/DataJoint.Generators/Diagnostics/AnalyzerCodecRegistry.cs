using System.Collections.Generic;
using System.Linq;
using DataJoint.Shared.Codecs;
using Microsoft.CodeAnalysis;

namespace DataJoint.Generators.Diagnostics
{
    /// <summary>
    /// The analyzer's codec registry: codecs of this compilation (its generated <c>[assembly: CodecManifest]</c>
    /// attributes) and of referenced assemblies (their manifests), answering type questions with Roslyn conversions.
    /// Built once per compilation.
    /// </summary>
    internal sealed class AnalyzerCodecRegistry : ICodecTypeResolver
    {
        private readonly Compilation compilation;
        private readonly Dictionary<string, List<ManifestEntry>> byName = new Dictionary<string, List<ManifestEntry>>(System.StringComparer.Ordinal);
        // Filled while symbol actions run concurrently (EnableConcurrentExecution).
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ITypeSymbol> types =
            new System.Collections.Concurrent.ConcurrentDictionary<string, ITypeSymbol>(System.StringComparer.Ordinal);

        private AnalyzerCodecRegistry(Compilation compilation) => this.compilation = compilation;

        public static AnalyzerCodecRegistry Build(Compilation compilation)
        {
            var r = new AnalyzerCodecRegistry(compilation);
            foreach (var e in CodecSymbols.ReadManifests(compilation.Assembly)) r.Add(e);
            foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
            {
                if (!CodecSymbols.MayHaveCodecs(assembly)) continue;
                foreach (var e in CodecSymbols.ReadManifests(assembly)) r.Add(e);
            }
            return r;
        }

        private void Add(ManifestEntry e)
        {
            if (!byName.TryGetValue(e.Values.Name!, out var list)) byName[e.Values.Name!] = list = new List<ManifestEntry>();
            list.Add(e);
        }

        public IReadOnlyList<ManifestEntry> Entries(string name) =>
            byName.TryGetValue(name, out var list) ? list : (IReadOnlyList<ManifestEntry>)System.Array.Empty<ManifestEntry>();

        public CodecTypeInfo? FindCodec(string name)
        {
            if (!byName.TryGetValue(name, out var list) || list.Count == 0) return null;
            var e = list[0];
            return Info(e.Values, e.CodecType, e.ValueType, e.StoredType);
        }

        public CodecTypeInfo Info(CodecAttributeValues v, ITypeSymbol codecType, ITypeSymbol valueType, ITypeSymbol storedType) =>
            new CodecTypeInfo(v.Name ?? string.Empty, v.InTable, v.InStore, v.InTableError, v.InStoreError,
                Key(valueType), Key(storedType), codecType.ToDisplayString());

        private string Key(ITypeSymbol t)
        {
            var k = t.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString();
            types[k] = t;
            return k;
        }

        public IEnumerable<string> CodecNames => byName.Keys;

        public bool IsAssignable(string fromType, string toType)
        {
            if (fromType == toType) return true;
            if (!types.TryGetValue(fromType, out var from) || !types.TryGetValue(toType, out var to)) return false;
            if (from.SpecialType == SpecialType.System_Object || to.SpecialType == SpecialType.System_Object) return true;
            if (compilation is not Microsoft.CodeAnalysis.CSharp.CSharpCompilation cs) return true;
            var c = cs.ClassifyConversion(from, to);
            return c.IsImplicit && (c.IsIdentity || c.IsReference || c.IsBoxing);
        }

        public bool CanStore(string storedType, string family)
        {
            if (!types.TryGetValue(storedType, out var t)) return true;
            if (t.SpecialType == SpecialType.System_Object) return true;
            switch (family)
            {
                case "bytes":
                    if (t is IArrayTypeSymbol a && a.ElementType.SpecialType == SpecialType.System_Byte && a.Rank == 1) return true;
                    if (t is INamedTypeSymbol n && (n.Name == "ReadOnlyMemory" || n.Name == "Memory") && n.TypeArguments.Length == 1
                        && n.TypeArguments[0].SpecialType == SpecialType.System_Byte) return true;
                    return false;
                case "string":
                    return t.SpecialType == SpecialType.System_String;
                default:
                    return true;
            }
        }

        /// <summary>A view in which <paramref name="own"/> answers for its name (the class being analyzed wins over duplicates).</summary>
        public ICodecTypeResolver With(CodecTypeInfo own) => new Overlay(this, own);

        private sealed class Overlay : ICodecTypeResolver
        {
            private readonly AnalyzerCodecRegistry inner;
            private readonly CodecTypeInfo own;

            public Overlay(AnalyzerCodecRegistry inner, CodecTypeInfo own)
            {
                this.inner = inner;
                this.own = own;
            }

            public CodecTypeInfo? FindCodec(string name) => name == own.Name ? own : inner.FindCodec(name);

            public IEnumerable<string> CodecNames => inner.CodecNames.Concat(new[] { own.Name }).Distinct();

            public bool IsAssignable(string fromType, string toType) => inner.IsAssignable(fromType, toType);

            public bool CanStore(string storedType, string family) => inner.CanStore(storedType, family);
        }
    }
}
