using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DataJoint.Generators.Model;
using Microsoft.CodeAnalysis;

namespace DataJoint.Generators
{
    /// <summary>Builds the record↔dict mapper model for a codec's stored type (records stored through &lt;blob&gt;).</summary>
    internal static class RecordMappers
    {
        public static RecordMapperModel? TryBuild(ITypeSymbol stored, CancellationToken ct) =>
            TryBuild(stored, static p => p.GetAttributes()
                .Where(a => a.AttributeClass?.ToDisplayString() == CodecSymbols.BlobKeyAttribute && a.ConstructorArguments.Length == 1)
                .Select(a => a.ConstructorArguments[0].Value as string)
                .FirstOrDefault(k => !string.IsNullOrEmpty(k)) ?? p.Name, ct);

        /// <summary>The mapper model of <paramref name="stored"/>, each property keyed by <paramref name="keyOf"/>.</summary>
        public static RecordMapperModel? TryBuild(ITypeSymbol stored, Func<IPropertySymbol, string> keyOf, CancellationToken ct)
        {
            if (stored is not INamedTypeSymbol type) return null;
            if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct)) return null;
            if (type.SpecialType != SpecialType.None || type.IsAbstract || type.IsGenericType) return null;
            var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
            if (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal)) return null;
            if (type.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected) return null;

            var properties = new List<IPropertySymbol>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var t = type; t != null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                foreach (var p in t.GetMembers().OfType<IPropertySymbol>())
                {
                    ct.ThrowIfCancellationRequested();
                    if (p.IsStatic || p.IsIndexer || p.GetMethod == null || p.DeclaredAccessibility != Accessibility.Public) continue;
                    if (p.GetMethod.DeclaredAccessibility != Accessibility.Public) continue;
                    if (!seen.Add(p.Name)) continue;
                    properties.Add(p);
                }
            }
            if (properties.Count == 0) return null;
            // A property whose type does not resolve is the user's compile error already; a mapper could not convert to it.
            if (properties.Any(p => CodecSymbols.ContainsError(p.Type))) return null;

            // The public constructor with the most parameters that all match a property (case-insensitively).
            IMethodSymbol? best = null;
            foreach (var c in type.InstanceConstructors)
            {
                if (c.DeclaredAccessibility != Accessibility.Public) continue;
                if (c.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(c.Parameters[0].Type, type)) continue; // record copy ctor
                if (!c.Parameters.All(prm => properties.Any(p => string.Equals(p.Name, prm.Name, StringComparison.OrdinalIgnoreCase)))) continue;
                if (best == null || c.Parameters.Length > best.Parameters.Length) best = c;
            }
            if (best == null) return null;
            var ctorParams = best.Parameters
                .Select(prm => properties.First(p => string.Equals(p.Name, prm.Name, StringComparison.OrdinalIgnoreCase)).Name)
                .ToList();

            var models = new List<RecordPropertyModel>();
            foreach (var p in properties)
            {
                var key = keyOf(p);
                var settable = p.SetMethod != null && p.SetMethod.DeclaredAccessibility == Accessibility.Public;
                var inInit = settable && !ctorParams.Contains(p.Name);
                models.Add(new RecordPropertyModel(p.Name, key, CodecSymbols.TypeName(p.Type), inInit));
            }
            return new RecordMapperModel(type.ToDisplayString(CodecSymbols.Fq), new EquatableArray<RecordPropertyModel>(models),
                new EquatableArray<string>(ctorParams));
        }
    }
}
