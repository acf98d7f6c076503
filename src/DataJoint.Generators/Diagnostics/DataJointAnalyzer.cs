using System.Collections.Immutable;
using System.Linq;
using DataJoint.Shared.Codecs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DataJoint.Generators.Diagnostics
{
    /// <summary>
    /// Reports what needs Roslyn's type system about <c>[Codec]</c> classes: codec chains (unknown codec, cycles,
    /// unsupported storage modes, type mismatches between links), duplicates, names, storage modes. Definitions and
    /// missing <c>partial</c> are reported by <see cref="DataJointGenerator"/> (each definition is parsed once, and the
    /// command-line build shows generator diagnostics even when the compilation has other errors).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class DataJointAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.UnknownCodec, DiagnosticDescriptors.CircularChain, DiagnosticDescriptors.StoreModeNotSupported,
            DiagnosticDescriptors.ChainTypeMismatch, DiagnosticDescriptors.DuplicateCodecName,
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
                var registry = AnalyzerCodecRegistry.Build(start.Compilation);
                start.RegisterSymbolAction(c => AnalyzeType(c, codecAttribute, registry), SymbolKind.NamedType);
            });
        }

        private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol codecAttribute, AnalyzerCodecRegistry registry)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            foreach (var attribute in type.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, codecAttribute))
                {
                    AnalyzeCodec(context, type, attribute, registry);
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

        private static void Report(SymbolAnalysisContext context, ChainResolution r, string where, Location location)
        {
            if (ChainDiagnostics.Describe(r, where) is { } d)
            {
                // The chain descriptors (DJ0001-DJ0004, DJ0009) are all in SupportedDiagnostics.
#pragma warning disable RS1005
                context.ReportDiagnostic(Diagnostic.Create(d.Descriptor, location, d.Arguments));
#pragma warning restore RS1005
            }
        }
    }
}
