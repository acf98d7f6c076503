using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DataJoint.Definitions;
using DataJoint.Generators.Diagnostics;
using DataJoint.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DataJoint.Generators.QueryRows
{
    /// <summary>
    /// One <c>[QueryRow]</c> type: where it is declared and how it is filled (its properties keyed by attribute name, its
    /// constructor parameters), or the diagnostic that stops it.
    /// </summary>
    internal sealed record QueryRowModel(
        string Namespace,
        EquatableArray<string> ContainingTypes,
        string Declaration,
        string TypeName,
        RecordMapperModel? Mapper,
        EquatableArray<string> TypeOfs,
        DiagnosticInfo? Diagnostic)
    {
        public string HintName => (Namespace.Length > 0 ? Namespace + "." : "") +
                                  string.Concat(ContainingTypes.Select(c => c.Substring(c.LastIndexOf(' ') + 1) + ".")) + TypeName + ".DataJointQueryRow.g.cs";
    }

    /// <summary>
    /// The query-row pipeline: <c>[QueryRow]</c> types (FAWMN) → a plain-data model (properties keyed by attribute name:
    /// <c>[Column("name")]</c> or the snake_case of the property name, as DataJoint names attributes) → one file per type
    /// implementing <c>IQueryRow&lt;T&gt;</c> with reflection-free mappers.
    /// </summary>
    internal static class QueryRowPipeline
    {
        private static IEnumerable<IPropertySymbol> AllProperties(INamedTypeSymbol type)
        {
            for (var t = type; t != null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
                foreach (var p in t.GetMembers().OfType<IPropertySymbol>()) yield return p;
        }

        public const string QueryRowAttribute = "DataJoint.QueryRowAttribute";
        // A property names its attribute with the BCL's [Column("name")] (as Dapper and EF Core read it); the generated
        // Row/Key records' own [AttributeName] is accepted too.
        private const string ColumnAttribute = "System.ComponentModel.DataAnnotations.Schema.ColumnAttribute";
        private const string AttributeNameAttribute = "DataJoint.Metadata.AttributeNameAttribute";

        /// <summary>Tracking names of the query-row steps.</summary>
        public static class Steps
        {
            public const string Local = "QueryRows.Local";
            public const string Output = "QueryRows.Output";
        }

        public static void Register(IncrementalGeneratorInitializationContext context)
        {
            var rows = context.SyntaxProvider.ForAttributeWithMetadataName(
                    QueryRowAttribute,
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (ctx, ct) => Extract(ctx, ct))
                .Where(static m => m != null)
                .Select(static (m, _) => m!)
                .WithTrackingName(Steps.Local);

            context.RegisterSourceOutput(rows.Where(static m => m.Diagnostic != null),
                static (spc, m) => spc.ReportDiagnostic(m.Diagnostic!.ToDiagnostic()));

            var outputs = rows
                .Where(static m => m.Mapper != null)
                .Select(static (m, _) => (Hint: m.HintName, Text: QueryRowEmitter.Emit(m)))
                .WithTrackingName(Steps.Output);
            context.RegisterSourceOutput(outputs, static (spc, o) => spc.AddSource(o.Hint, o.Text));
        }

        private static QueryRowModel? Extract(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
        {
            if (ctx.TargetSymbol is not INamedTypeSymbol type || ctx.TargetNode is not TypeDeclarationSyntax declaration) return null;
            var location = SourceSpan.From(declaration.Identifier.GetLocation());
            var containing = new List<string>();
            var partial = CodecSymbols.IsPartial(type) && !type.IsGenericType;
            for (var t = type.ContainingType; t != null; t = t.ContainingType)
            {
                containing.Insert(0, "partial " + (t.IsRecord ? "record " : "") + (t.TypeKind == TypeKind.Struct ? "struct " : "class ") + t.Name);
                partial &= CodecSymbols.IsPartial(t) && !t.IsGenericType;
            }
            var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : string.Empty;
            var declarationKeyword = (type.IsRecord ? "record " : "") + (type.TypeKind == TypeKind.Struct ? "struct" : "class");
            if (!partial)
                return new QueryRowModel(ns, new EquatableArray<string>(containing), declarationKeyword, type.Name, null, EquatableArray<string>.Empty,
                    new DiagnosticInfo(DiagnosticDescriptors.QueryRowNotPartial.Id, location, type.Name));
            ct.ThrowIfCancellationRequested();
            // A property whose type does not resolve is already the compiler's error at that type; no mapper, no second error.
            if (AllProperties(type).Any(p => CodecSymbols.ContainsError(p.Type))) return null;
            var mapper = RecordMappers.TryBuild(type, static p => p.GetAttributes()
                .Where(a => a.AttributeClass?.ToDisplayString() is ColumnAttribute or AttributeNameAttribute && a.ConstructorArguments.Length == 1)
                .Select(a => a.ConstructorArguments[0].Value as string)
                .FirstOrDefault(k => !string.IsNullOrEmpty(k)) ?? TableNaming.ToSnakeCase(p.Name), ct);
            // Only what can be filled: constructor parameters and settable properties (computed getters are left alone).
            if (mapper != null)
                mapper = mapper with
                {
                    Properties = new EquatableArray<RecordPropertyModel>(
                        mapper.Properties.Where(p => p.InInitializer || mapper.ConstructorParameters.Contains(p.Name))),
                };
            if (mapper == null || mapper.Properties.Count == 0)
                return new QueryRowModel(ns, new EquatableArray<string>(containing), declarationKeyword, type.Name, null, EquatableArray<string>.Empty,
                    new DiagnosticInfo(DiagnosticDescriptors.QueryRowNotFillable.Id, location, type.Name));
            // typeof(...) of each property (a nullable reference type without its annotation; Nullable<T> as it is).
            var typeOfs = mapper.Properties.Select(p =>
            {
                var property = AllProperties(type).First(x => x.Name == p.Name);
                var t = property.Type.IsReferenceType ? property.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated) : property.Type;
                return CodecSymbols.TypeName(t);
            });
            return new QueryRowModel(ns, new EquatableArray<string>(containing), declarationKeyword, type.Name, mapper,
                new EquatableArray<string>(typeOfs), null);
        }
    }
}
