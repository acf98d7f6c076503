using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DataJoint.Definitions;
using DataJoint.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DataJoint.Generators.Tables
{
    /// <summary>
    /// The typed-table pipeline: <c>[Table]</c> classes (FAWMN) → parsed line models → all tables collected (to resolve
    /// foreign-key attributes from parents) → one file per table with the <c>Row</c>/<c>Key</c> records and mappers.
    /// Every value is plain equatable data, so unrelated edits leave the steps Cached/Unchanged.
    /// </summary>
    internal static class TablePipeline
    {
        /// <summary>Tracking names of the table steps.</summary>
        public static class Steps
        {
            public const string LocalTables = "Tables.Local";
            public const string AllTables = "Tables.All";
            public const string ReferencedCodecTypes = "Tables.ReferencedCodecTypes";
            public const string CodecTypes = "Tables.CodecTypes";
            public const string Resolved = "Tables.Resolved";
            public const string Output = "Tables.Output";
        }

        private const string TableAttribute = "DataJoint.TableAttribute";

        public static void Register(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<CodecModel> codecs)
        {
            var tables = context.SyntaxProvider.ForAttributeWithMetadataName(
                    TableAttribute,
                    static (node, _) => node is ClassDeclarationSyntax,
                    static (ctx, ct) => Extract(ctx, ct))
                .Where(static m => m != null)
                .Select(static (m, _) => m!)
                .WithTrackingName(Steps.LocalTables);

            var all = tables.Collect()
                .Select(static (items, _) => new EquatableArray<TableClassModel>(
                    items.OrderBy(t => t.FullDottedName, StringComparer.Ordinal)))
                .WithTrackingName(Steps.AllTables);

            var referencedTypes = context.CompilationProvider
                .Select(static (c, ct) => ReadReferencedCodecTypes(c, ct))
                .WithTrackingName(Steps.ReferencedCodecTypes);

            var codecTypes = codecs
                .Select(static (m, _) => new CodecValueType(m.Name, m.ValueType))
                .Collect()
                .Combine(referencedTypes)
                .Select(static (pair, _) =>
                {
                    // Local codecs win over referenced ones with the same name (as the runtime registry does).
                    var map = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var r in pair.Right) map[r.Name] = r.ValueType;
                    foreach (var l in pair.Left) map[l.Name] = l.ValueType;
                    return new EquatableArray<CodecValueType>(map.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                        .Select(kv => new CodecValueType(kv.Key, kv.Value)));
                })
                .WithTrackingName(Steps.CodecTypes);

            var resolved = tables
                .Where(static t => t.CanGenerate)
                .Combine(all)
                .Combine(codecTypes)
                .Select(static (input, ct) => TableResolver.Resolve(input.Left.Left, input.Left.Right, input.Right, ct))
                .Where(static r => r != null)
                .Select(static (r, _) => r!)
                .WithTrackingName(Steps.Resolved);

            var outputs = resolved
                .Select(static (m, _) => (Hint: m.HintName, Text: TableEmitter.Emit(m)))
                .WithTrackingName(Steps.Output);
            context.RegisterSourceOutput(outputs, static (spc, o) => spc.AddSource(o.Hint, o.Text));
        }

        private static TableClassModel? Extract(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
        {
            if (ctx.TargetSymbol is not INamedTypeSymbol type) return null;
            var definition = type.GetMembers("Definition").OfType<IFieldSymbol>()
                .FirstOrDefault(f => f.IsConst && f.Type.SpecialType == SpecialType.System_String)?.ConstantValue as string;
            if (definition == null) return null;
            ct.ThrowIfCancellationRequested();
            var parsed = DefinitionParser.Parse(definition);
            if (parsed.HasErrors) return null;

            var lines = new List<TableLineModel>();
            foreach (var line in parsed.Lines)
            {
                if (line is AttributeDefinition a)
                {
                    lines.Add(new TableLineModel(false, a.Name, a.InPrimaryKey, a.IsNullable, ClrType(a.TypeInfo),
                        a.Category == TypeCategory.Codec ? a.TypeInfo.CodecName : null, EquatableArray<string>.Empty));
                }
                else if (line is ForeignKeyDefinition f)
                {
                    lines.Add(new TableLineModel(true, f.TableName, f.InPrimaryKey, f.IsNullable, null, null,
                        new EquatableArray<string>(f.Renames.Select(r => r.NewName + "=" + r.OldName))));
                }
            }

            var containing = new List<string>();
            var names = new List<string>();
            var partial = CodecSymbols.IsPartial(type);
            for (var t = type.ContainingType; t != null; t = t.ContainingType)
            {
                containing.Insert(0, "partial " + (t.IsRecord ? "record " : "") + (t.TypeKind == TypeKind.Struct ? "struct " : "class ") + t.Name);
                names.Insert(0, t.Name);
                partial &= CodecSymbols.IsPartial(t) && !t.IsGenericType;
            }
            names.Add(type.Name);

            string? master = null;
            var isUserTable = false;
            for (var b = type.BaseType; b != null; b = b.BaseType)
            {
                if (b.Name == "UserTable" && b.ContainingNamespace?.ToDisplayString() == "DataJoint") isUserTable = true;
                if (b.IsGenericType && b.Name == "Part" && b.ContainingNamespace?.ToDisplayString() == "DataJoint" && b.TypeArguments.Length == 1)
                {
                    master = DottedName(b.TypeArguments[0]);
                }
            }
            if (!isUserTable) return null; // the analyzer reports tier problems; no typed API without a tier

            var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : string.Empty;
            return new TableClassModel(ns, new EquatableArray<string>(containing), type.Name, string.Join(".", names),
                master, partial && !type.IsGenericType, new EquatableArray<TableLineModel>(lines));
        }

        private static string DottedName(ITypeSymbol type)
        {
            var names = new List<string> { type.Name };
            for (var t = type.ContainingType; t != null; t = t.ContainingType) names.Insert(0, t.Name);
            var dotted = string.Join(".", names);
            return type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() + "." + dotted : dotted;
        }

        /// <summary>The .NET type of a core attribute (docs/definitions.md); natives map to their usual fetch types.</summary>
        private static string? ClrType(TypeClassification info)
        {
            if (info.Category == TypeCategory.Codec) return null;
            if (info.Core is CoreType core)
            {
                var name = DataJointTypes.ClrTypeName(core);
                return name.StartsWith("System.", StringComparison.Ordinal) ? "global::" + name : name;
            }
            switch (info.Native)
            {
                case NativeType.String:
                case NativeType.Text:
                    return "string";
                case NativeType.Blob:
                    return "byte[]";
                default:
                    // Native integers, floats, decimals and temporals fetch as several .NET types (signedness,
                    // width, time vs datetime); the typed row keeps them as object.
                    return "object";
            }
        }

        private static EquatableArray<CodecValueType> ReadReferencedCodecTypes(Compilation compilation, CancellationToken ct)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
            {
                ct.ThrowIfCancellationRequested();
                if (!CodecSymbols.MayHaveCodecs(assembly)) continue;
                foreach (var entry in CodecSymbols.ReadManifests(assembly))
                {
                    var accessible = entry.ValueType.DeclaredAccessibility == Accessibility.Public
                        || entry.ValueType.SpecialType != SpecialType.None || entry.ValueType is IArrayTypeSymbol;
                    result[entry.Values.Name!] = accessible
                        ? entry.ValueType.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(CodecSymbols.Fq)
                        : "object";
                }
            }
            return new EquatableArray<CodecValueType>(result.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => new CodecValueType(kv.Key, kv.Value)));
        }
    }
}
