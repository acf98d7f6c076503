using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DataJoint.Definitions;
using DataJoint.Generators.Diagnostics;
using DataJoint.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DataJoint.Generators.Tables
{
    /// <summary>
    /// The typed-table pipeline: <c>[Table]</c> classes (FAWMN) → each definition parsed once into line models plus the
    /// parser's diagnostics → all tables collected (to resolve foreign keys to parents) → per table the resolved
    /// Row/Key/metadata model and every compile-time diagnostic (reported here, so they show even when the compilation
    /// has other errors) → one file per table. Every value is plain equatable data.
    /// </summary>
    internal static class TablePipeline
    {
        /// <summary>Tracking names of the table steps.</summary>
        public static class Steps
        {
            public const string LocalTables = "Tables.Local";
            public const string AllTables = "Tables.All";
            public const string CodecTypes = "Tables.CodecTypes";
            public const string Resolved = "Tables.Resolved";
            public const string Output = "Tables.Output";
        }

        private static readonly string[] Tiers = { "Manual", "Lookup", "Imported", "Computed" };

        public static void Register(
            IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<CodecModel> codecs,
            IncrementalValueProvider<EquatableArray<ReferencedCodecModel>> referenced)
        {
            var tables = context.SyntaxProvider.ForAttributeWithMetadataName(
                    CodecSymbols.TableAttribute,
                    static (node, _) => node is ClassDeclarationSyntax,
                    static (ctx, ct) => Extract(ctx, ct))
                .Where(static m => m != null)
                .Select(static (m, _) => m!)
                .WithTrackingName(Steps.LocalTables);

            var all = tables.Select(static (t, _) => t.Table).Collect()
                .Select(static (items, _) => new EquatableArray<TableClassModel>(
                    items.OrderBy(t => t.FullDottedName, StringComparer.Ordinal)))
                .WithTrackingName(Steps.AllTables);

            var codecUses = codecs
                .Select(static (m, _) => new CodecUse(m.Name, m.InTable, m.InStore, m.InTableError, m.InStoreError, m.ValueType))
                .Collect()
                .Combine(referenced)
                .Select(static (pair, _) =>
                {
                    // Local codecs win over referenced ones with the same name (as the runtime registry does).
                    var map = new Dictionary<string, CodecUse>(StringComparer.Ordinal);
                    foreach (var r in pair.Right) map[r.Name] = new CodecUse(r.Name, r.InTable, r.InStore, r.InTableError, r.InStoreError, r.ValueType);
                    foreach (var l in pair.Left) map[l.Name] = l;
                    return new EquatableArray<CodecUse>(map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value));
                })
                .WithTrackingName(Steps.CodecTypes);

            var resolved = tables
                .Combine(all)
                .Combine(codecUses)
                .Select(static (input, ct) => TableResolver.Resolve(input.Left.Left, input.Left.Right, input.Right, ct))
                .WithTrackingName(Steps.Resolved);

            context.RegisterSourceOutput(resolved, static (spc, r) =>
            {
                foreach (var d in r.Diagnostics) spc.ReportDiagnostic(d.ToDiagnostic());
            });

            var outputs = resolved
                .Where(static r => r.Model != null)
                .Select(static (r, _) => (Hint: r.Model!.HintName, Text: TableEmitter.Emit(r.Model!)))
                .WithTrackingName(Steps.Output);
            context.RegisterSourceOutput(outputs, static (spc, o) => spc.AddSource(o.Hint, o.Text));
        }

        private static ExtractedTable? Extract(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
        {
            if (ctx.TargetSymbol is not INamedTypeSymbol type || ctx.TargetNode is not ClassDeclarationSyntax declaration) return null;
            var diagnostics = new List<DiagnosticInfo>();
            var classLocation = SourceSpan.From(declaration.Identifier.GetLocation());

            var containing = new List<string>();
            var names = new List<string>();
            var partial = CodecSymbols.IsPartial(type) && !type.IsGenericType;
            for (var t = type.ContainingType; t != null; t = t.ContainingType)
            {
                containing.Insert(0, "partial " + (t.IsRecord ? "record " : "") + (t.TypeKind == TypeKind.Struct ? "struct " : "class ") + t.Name);
                names.Insert(0, t.Name);
                partial &= CodecSymbols.IsPartial(t) && !t.IsGenericType;
            }
            names.Add(type.Name);
            var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : string.Empty;

            string? tier = null;
            string? master = null;
            for (var b = type.BaseType; b != null && tier == null; b = b.BaseType)
            {
                if (b.ContainingNamespace?.ToDisplayString() != "DataJoint") continue;
                if (Array.IndexOf(Tiers, b.Name) >= 0 && !b.IsGenericType) tier = b.Name;
                else if (b.IsGenericType && b.Name == "Part" && b.TypeArguments.Length == 1)
                {
                    tier = "Part";
                    master = FullName(b.TypeArguments[0]);
                    if (!SymbolEqualityComparer.Default.Equals(b.TypeArguments[0].OriginalDefinition, type.ContainingType?.OriginalDefinition))
                    {
                        diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.PartNotNested.Id, classLocation, type.Name, b.TypeArguments[0].Name));
                    }
                }
            }
            if (tier == null) diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.NoTier.Id, classLocation, type.Name));
            if (!partial) diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.TableNotPartial.Id, classLocation, type.Name));

            string? sqlName = null, schema = null;
            foreach (var named in ctx.Attributes[0].NamedArguments)
            {
                if (named.Key == "Name") sqlName = named.Value.Value as string;
                else if (named.Key == "Schema") schema = named.Value.Value as string;
            }

            var field = type.GetMembers("Definition").OfType<IFieldSymbol>().FirstOrDefault(f => f.IsConst && f.ConstantValue is string);
            if (field == null)
            {
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.NoDefinition.Id, classLocation, type.Name));
                return new ExtractedTable(
                    new TableClassModel(ns, new EquatableArray<string>(containing), type.Name, string.Join(".", names), tier, master, sqlName, schema,
                        false, EquatableArray<TableLineModel>.Empty),
                    classLocation, null, new EquatableArray<DiagnosticInfo>(diagnostics));
            }
            ct.ThrowIfCancellationRequested();

            var definition = (string)field.ConstantValue!;
            var expression = (field.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(ct) as VariableDeclaratorSyntax)?.Initializer?.Value;
            var locator = Locator(expression, definition, classLocation);
            var parsed = DefinitionParser.Parse(definition);
            foreach (var e in parsed.Errors.Concat(parsed.Warnings))
            {
                diagnostics.Add(new DiagnosticInfo(e.Id, locator.Map(e.Start, e.Length), CompactMessage(e.Message)));
            }
            if (sqlName == null)
            {
                TableNaming.ValidateClassName(type.Name, out var nameError, out var nameWarning);
                if (nameError != null) diagnostics.Add(new DiagnosticInfo("DJ1017", classLocation, nameError));
                if (nameWarning != null) diagnostics.Add(new DiagnosticInfo("DJ1102", classLocation, nameWarning));
            }

            var position = expression?.SpanStart ?? declaration.SpanStart;
            var lines = new List<TableLineModel>();
            foreach (var line in parsed.Lines)
            {
                if (line is AttributeDefinition a)
                {
                    var codec = a.Category == TypeCategory.Codec;
                    lines.Add(new TableLineModel(false, a.Name, string.Empty, a.InPrimaryKey, a.IsNullable, ClrType(a.TypeInfo),
                        codec ? a.Type : null, codec ? a.TypeInfo.CodecName : null, a.NameSpan.Start, a.NameSpan.Length,
                        a.TypeSpan.Start, a.TypeSpan.Length, EquatableArray<RenameModel>.Empty, ReferenceLookup.NotFound, null, null));
                }
                else if (line is ForeignKeyDefinition f)
                {
                    var lookup = ReferenceLookup.NotFound;
                    string? parentName = null;
                    ExternalParentModel? external = null;
                    if (f.TableName != "master" && Lookup(ctx.SemanticModel, position, f.TableName) is { } target)
                    {
                        parentName = FullName(target);
                        var isTable = target.GetAttributes().Any(x => x.AttributeClass?.ToDisplayString() == CodecSymbols.TableAttribute);
                        lookup = !isTable ? ReferenceLookup.NotATable
                            : SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, ctx.SemanticModel.Compilation.Assembly) ? ReferenceLookup.Table
                            : ReferenceLookup.ExternalTable;
                        if (lookup == ReferenceLookup.ExternalTable)
                        {
                            external = ReadExternalParent(target);
                            if (external == null) lookup = ReferenceLookup.NotFound;
                        }
                    }
                    lines.Add(new TableLineModel(true, f.TableName, f.Reference, f.InPrimaryKey, f.IsNullable, null, null, null,
                        f.TableNameSpan.Start, f.TableNameSpan.Length, f.ReferenceSpan.Start, f.ReferenceSpan.Length,
                        new EquatableArray<RenameModel>(f.Renames.Select(r => new RenameModel(
                            r.NewName, r.NewNameSpan.Start, r.NewNameSpan.Length, r.OldName, r.OldNameSpan.Start, r.OldNameSpan.Length))),
                        lookup, parentName, external));
                }
            }

            // A Lookup's static Contents (Python's contents): the metadata reads it without reflection.
            var hasContents = type.GetMembers("Contents").Any(x => x.IsStatic && x is IPropertySymbol { GetMethod: not null } or IFieldSymbol);
            var model = new TableClassModel(ns, new EquatableArray<string>(containing), type.Name, string.Join(".", names), tier, master,
                sqlName, schema, partial && tier != null, new EquatableArray<TableLineModel>(lines), hasContents);
            return new ExtractedTable(model, classLocation, locator, new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        /// <summary>The definition's literal as a locator, or one that maps everything to the whole initializer.</summary>
        private static DefinitionLocator Locator(ExpressionSyntax? expression, string definition, SourceSpan classLocation)
        {
            var whole = expression != null ? SourceSpan.From(expression.GetLocation()) : classLocation;
            if (expression is LiteralExpressionSyntax literal && literal.Token.ValueText == definition)
            {
                var token = literal.Token;
                var start = token.GetLocation().GetLineSpan().StartLinePosition;
                return new DefinitionLocator(whole.Path, token.SpanStart, start.Line, start.Character, (int)token.Kind(), token.Text,
                    token.ValueText.Length, whole);
            }
            return new DefinitionLocator(whole.Path, 0, 0, 0, 0, null, 0, whole);
        }

        /// <summary>Python's multi-line texts on one line: <c>Declaration error in position 2 in line: x int32: Expected ':'</c>.</summary>
        internal static string CompactMessage(string message)
        {
            if (message.IndexOf('\n') < 0) return message;
            var parts = message.Split('\n').Select(p => p.Trim()).Where(p => p.Length > 0).ToArray();
            var sb = new System.Text.StringBuilder(parts[0]);
            for (var i = 1; i < parts.Length; i++) sb.Append(parts[i - 1].EndsWith(":", StringComparison.Ordinal) ? " " : ": ").Append(parts[i]);
            return sb.ToString();
        }

        /// <summary>Resolves <c>A.B.C</c> as a C# name would be at <paramref name="position"/>: namespaces, types, nested types.</summary>
        private static INamedTypeSymbol? Lookup(SemanticModel model, int position, string dotted)
        {
            var segments = dotted.Split('.');
            var current = model.LookupNamespacesAndTypes(position, null, segments[0]).OfType<INamespaceOrTypeSymbol>().FirstOrDefault();
            for (var i = 1; i < segments.Length && current != null; i++)
            {
                current = current.GetMembers(segments[i]).OfType<INamespaceOrTypeSymbol>().FirstOrDefault();
            }
            return current as INamedTypeSymbol;
        }

        /// <summary>A referenced assembly's table: its primary key from the generated <c>Key</c> record ([AttributeName] properties).</summary>
        private static ExternalParentModel? ReadExternalParent(INamedTypeSymbol table)
        {
            if (table.DeclaredAccessibility != Accessibility.Public) return null;
            var key = table.GetTypeMembers("Key").FirstOrDefault();
            if (key == null) return null;
            var attributes = new List<ResolvedAttribute>();
            foreach (var p in key.GetMembers().OfType<IPropertySymbol>())
            {
                var name = p.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "DataJoint.Metadata.AttributeNameAttribute")
                    ?.ConstructorArguments.FirstOrDefault().Value as string;
                if (name == null) continue;
                var nullable = p.Type.NullableAnnotation == NullableAnnotation.Annotated
                    || (p.Type is INamedTypeSymbol nt && nt.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T);
                var valueType = p.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } wrapped
                    ? wrapped.TypeArguments[0] : p.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
                attributes.Add(new ResolvedAttribute(name, string.Empty, CodecSymbols.TypeName(valueType), nullable, true));
            }
            return new ExternalParentModel(FullName(table), table.ToDisplayString(CodecSymbols.Fq), new EquatableArray<ResolvedAttribute>(attributes));
        }

        private static string FullName(ITypeSymbol type)
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
    }
}
