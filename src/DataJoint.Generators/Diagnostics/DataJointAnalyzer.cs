using System.Collections.Immutable;
using System.Linq;
using DataJoint.Definitions;
using DataJoint.Shared.Codecs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DataJoint.Generators.Diagnostics
{
    /// <summary>
    /// Reports DataJoint's compile-time errors: bad [Codec] classes and codec chains (unknown codec, cycles,
    /// unsupported storage modes, type mismatches between links, duplicates) and the codec types used in
    /// <c>[Table]</c> definition strings, located at the exact text inside the string literal.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class DataJointAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.UnknownCodec, DiagnosticDescriptors.CircularChain, DiagnosticDescriptors.StoreModeNotSupported,
            DiagnosticDescriptors.ChainTypeMismatch, DiagnosticDescriptors.DuplicateCodecName, DiagnosticDescriptors.CodecNotPartial,
            DiagnosticDescriptors.NotACodec, DiagnosticDescriptors.InvalidCodecName, DiagnosticDescriptors.NoCoreType,
            DiagnosticDescriptors.NoStorageMode, DiagnosticDescriptors.PinnedStoreInChain);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var codecAttribute = start.Compilation.GetTypeByMetadataName(CodecSymbols.CodecAttribute);
                if (codecAttribute == null) return;
                var tableAttribute = start.Compilation.GetTypeByMetadataName(CodecSymbols.TableAttribute);
                var registry = AnalyzerCodecRegistry.Build(start.Compilation);
                start.RegisterSymbolAction(c => AnalyzeType(c, codecAttribute, tableAttribute, registry), SymbolKind.NamedType);
            });
        }

        private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol codecAttribute, INamedTypeSymbol? tableAttribute,
            AnalyzerCodecRegistry registry)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            foreach (var attribute in type.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, codecAttribute))
                {
                    AnalyzeCodec(context, type, attribute, registry);
                }
                else if (tableAttribute != null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, tableAttribute))
                {
                    AnalyzeTable(context, type, registry);
                }
            }
        }

        private static Location ClassLocation(INamedTypeSymbol type) =>
            type.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>()
                .Select(t => t.Identifier.GetLocation()).FirstOrDefault() ?? type.Locations.FirstOrDefault() ?? Location.None;

        private static void AnalyzeCodec(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData attribute, AnalyzerCodecRegistry registry)
        {
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) as AttributeSyntax;
            var values = CodecSymbols.ReadCodecAttribute(attribute);
            var types = CodecSymbols.GetCodecTypes(type);
            if (types == null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotACodec, ClassLocation(type), type.Name));
                return;
            }

            var nameExpression = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals == null)?.Expression;
            var nameLocation = nameExpression?.GetLocation() ?? ClassLocation(type);
            if (!CodecSpec.IsValidName(values.Name))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidCodecName, nameLocation, values.Name ?? "null"));
                return;
            }
            if (!CodecSymbols.IsPartial(type) || (type.ContainingType != null && !AllContainingPartial(type)))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CodecNotPartial, ClassLocation(type), type.Name));
            }

            var others = registry.Entries(values.Name!)
                .Where(e => !SymbolEqualityComparer.Default.Equals(e.CodecType.OriginalDefinition, type.OriginalDefinition))
                .Select(e => e.CodecType.ToDisplayString() + " (assembly " + e.Assembly.Name + ")")
                .Distinct()
                .ToList();
            if (others.Count > 0)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateCodecName, nameLocation, values.Name, string.Join(", ", others)));
            }

            if (values.InTable == null && values.InStore == null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NoStorageMode, ClassLocation(type), values.Name));
                return;
            }

            var own = registry.Info(values, type, types.Value.Value, types.Value.Stored);
            var resolver = registry.With(own);
            CheckMode(context, syntax, "InTable", values.InTable, values.Name!, inStore: false, resolver);
            CheckMode(context, syntax, "InStore", values.InStore, values.Name!, inStore: true, resolver);
        }

        private static bool AllContainingPartial(INamedTypeSymbol type)
        {
            for (var t = type.ContainingType; t != null; t = t.ContainingType)
            {
                if (!CodecSymbols.IsPartial(t)) return false;
            }
            return true;
        }

        private static void CheckMode(SymbolAnalysisContext context, AttributeSyntax? syntax, string property, string? dtype, string name,
            bool inStore, ICodecTypeResolver resolver)
        {
            if (dtype == null) return;
            var argument = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == property);
            var location = argument != null ? ValueLocation(argument.Expression, dtype) : Location.None;

            if (inStore && CodecSpec.TryParse(dtype, out var spec) && spec.Store == string.Empty)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.PinnedStoreInChain, location, dtype, name,
                    CodecSpec.Format(spec.Name, null)));
            }
            var where = CodecSpec.Format(name, inStore ? string.Empty : null);
            var resolution = ChainResolver.Resolve(where, resolver);
            Report(context, resolution, where, location);
        }

        /// <summary>The location of the (trimmed) value inside a string literal expression, else the whole expression.</summary>
        private static Location ValueLocation(ExpressionSyntax expression, string value)
        {
            if (expression is LiteralExpressionSyntax literal)
            {
                var text = literal.Token.ValueText;
                var start = text.Length - text.TrimStart().Length;
                var length = text.Trim().Length;
                var mapped = LiteralSpans.Map(literal.Token, start, length);
                if (mapped != null) return mapped;
            }
            return expression.GetLocation();
        }

        private static void AnalyzeTable(SymbolAnalysisContext context, INamedTypeSymbol type, AnalyzerCodecRegistry registry)
        {
            var field = type.GetMembers("Definition").OfType<IFieldSymbol>().FirstOrDefault(f => f.IsConst && f.ConstantValue is string);
            if (field == null) return;
            var definition = (string)field.ConstantValue!;
            var declarator = field.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) as VariableDeclaratorSyntax;
            var expression = declarator?.Initializer?.Value;
            var token = expression is LiteralExpressionSyntax literal && literal.Token.ValueText == definition ? literal.Token : (SyntaxToken?)null;

            // The one definition parser (shared with the runtime) locates each attribute's type.
            var parsed = DefinitionParser.Parse(definition);
            foreach (var attribute in parsed.Lines.OfType<AttributeDefinition>())
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                if (attribute.TypeInfo == null || attribute.TypeInfo.Category != TypeCategory.Codec) continue;
                var resolution = ChainResolver.Resolve(attribute.Type, registry);
                if (resolution.Success) continue;
                var location = (token.HasValue ? LiteralSpans.Map(token.Value, attribute.TypeSpan.Start, attribute.TypeSpan.Length) : null)
                    ?? expression?.GetLocation() ?? ClassLocation(type);
                Report(context, resolution, attribute.Type.Trim(), location);
            }
        }

        private static void Report(SymbolAnalysisContext context, ChainResolution r, string where, Location location)
        {
            switch (r.Error)
            {
                case ChainErrorKind.None:
                    return;
                case ChainErrorKind.UnknownCodec:
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnknownCodec, location, r.ErrorCodec, where,
                        r.Suggestion != null ? ". Did you mean <" + r.Suggestion + ">?" : string.Empty));
                    return;
                case ChainErrorKind.Circular:
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CircularChain, location, where, r.Detail));
                    return;
                case ChainErrorKind.ModeNotSupported:
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.StoreModeNotSupported, location, where, r.Message));
                    return;
                case ChainErrorKind.TypeMismatch:
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ChainTypeMismatch, location, where, r.ErrorCodec,
                        r.ProducedType, r.Consumer, r.ExpectedType));
                    return;
                case ChainErrorKind.NoCoreType:
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NoCoreType, location, where, r.Message));
                    return;
            }
        }
    }
}
