using System.Collections.Immutable;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DataJoint.Generators
{
    /// <summary>Metadata names and symbol helpers shared by the generator and the analyzer.</summary>
    internal static class CodecSymbols
    {
        public const string CodecAttribute = "DataJoint.CodecAttribute";
        public const string CodecManifestAttribute = "DataJoint.Metadata.CodecManifestAttribute";
        public const string TableAttribute = "DataJoint.TableAttribute";
        public const string BlobKeyAttribute = "DataJoint.BlobKeyAttribute";
        public const string CodecBase = "DataJoint.CodecBase`2";
        public const string RuntimeAssembly = "DataJoint.Runtime";

        public static readonly SymbolDisplayFormat Fq = SymbolDisplayFormat.FullyQualifiedFormat
            .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        /// <summary>
        /// How generated code writes <paramref name="type"/>: fully qualified (<c>global::</c>), so it binds the same with or
        /// without usings. A type that does not resolve (the user's own code already has the error, e.g. a missing
        /// <c>using</c>) is written <c>object</c>: copying its unresolved name would add errors in generated files.
        /// </summary>
        public static string TypeName(ITypeSymbol type) =>
            ContainsError(type)
                ? (type.NullableAnnotation == NullableAnnotation.Annotated ? "object?" : "object")
                : type.ToDisplayString(Fq);

        /// <summary>True when <paramref name="type"/> or a type it is built from does not resolve.</summary>
        public static bool ContainsError(ITypeSymbol type)
        {
            switch (type)
            {
                case IErrorTypeSymbol:
                    return true;
                case IArrayTypeSymbol array:
                    return ContainsError(array.ElementType);
                case IPointerTypeSymbol pointer:
                    return ContainsError(pointer.PointedAtType);
                case INamedTypeSymbol named:
                    if (named.TypeKind == TypeKind.Error) return true;
                    foreach (var argument in named.TypeArguments)
                    {
                        if (ContainsError(argument)) return true;
                    }
                    return named.ContainingType != null && ContainsError(named.ContainingType);
                default:
                    return type.TypeKind == TypeKind.Error;
            }
        }

        /// <summary>The (TValue, TStored) of the CodecBase&lt;,&gt; the class derives from, or null.</summary>
        public static (ITypeSymbol Value, ITypeSymbol Stored)? GetCodecTypes(INamedTypeSymbol type)
        {
            for (var t = type.BaseType; t != null; t = t.BaseType)
            {
                var def = t.OriginalDefinition;
                if (def.MetadataName == "CodecBase`2" && def.ContainingNamespace?.ToDisplayString() == "DataJoint")
                {
                    return (t.TypeArguments[0], t.TypeArguments[1]);
                }
            }
            return null;
        }

        /// <summary>The [Codec] arguments: name and the named dtype/error properties.</summary>
        public static CodecAttributeValues ReadCodecAttribute(AttributeData attribute)
        {
            var name = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string : null;
            var v = new CodecAttributeValues { Name = name };
            ReadModes(v, attribute.NamedArguments);
            return v;
        }

        /// <summary>The dtype and error properties, named alike on [Codec] and on [assembly: CodecManifest].</summary>
        private static void ReadModes(CodecAttributeValues v, ImmutableArray<KeyValuePair<string, TypedConstant>> namedArguments)
        {
            foreach (var named in namedArguments)
            {
                var s = named.Value.Value as string;
                switch (named.Key)
                {
                    case "InTable": v.InTable = s; break;
                    case "InStore": v.InStore = s; break;
                    case "InTableError": v.InTableError = s; break;
                    case "InStoreError": v.InStoreError = s; break;
                }
            }
        }

        public static bool IsPartial(INamedTypeSymbol type) =>
            type.DeclaringSyntaxReferences.Length > 0 &&
            type.DeclaringSyntaxReferences.All(r => r.GetSyntax() is TypeDeclarationSyntax t &&
                t.Modifiers.Any(m => m.ValueText == "partial"));

        /// <summary>Manifest entries of one assembly ([assembly: CodecManifest(...)]).</summary>
        public static IEnumerable<ManifestEntry> ReadManifests(IAssemblySymbol assembly)
        {
            foreach (var a in assembly.GetAttributes())
            {
                if (a.AttributeClass?.ToDisplayString() != CodecManifestAttribute || a.ConstructorArguments.Length < 4) continue;
                var name = a.ConstructorArguments[0].Value as string;
                var codecType = a.ConstructorArguments[1].Value as ITypeSymbol;
                var valueType = a.ConstructorArguments[2].Value as ITypeSymbol;
                var storedType = a.ConstructorArguments[3].Value as ITypeSymbol;
                if (name == null || codecType == null || valueType == null || storedType == null) continue;
                var v = new CodecAttributeValues { Name = name };
                ReadModes(v, a.NamedArguments);
                yield return new ManifestEntry(assembly, v, codecType, valueType, storedType);
            }
        }

        /// <summary>True if the assembly references DataJoint.Runtime (or is it): only those can declare codecs.</summary>
        public static bool MayHaveCodecs(IAssemblySymbol assembly)
        {
            if (assembly.Name == RuntimeAssembly) return true;
            foreach (var module in assembly.Modules)
            {
                foreach (var r in module.ReferencedAssemblies)
                {
                    if (r.Name == RuntimeAssembly) return true;
                }
            }
            return false;
        }
    }

    internal sealed class CodecAttributeValues
    {
        public string? Name { get; set; }
        public string? InTable { get; set; }
        public string? InStore { get; set; }
        public string? InTableError { get; set; }
        public string? InStoreError { get; set; }
    }

    internal sealed class ManifestEntry
    {
        public ManifestEntry(IAssemblySymbol assembly, CodecAttributeValues values, ITypeSymbol codecType, ITypeSymbol valueType, ITypeSymbol storedType)
        {
            Assembly = assembly;
            Values = values;
            CodecType = codecType;
            ValueType = valueType;
            StoredType = storedType;
        }

        public IAssemblySymbol Assembly { get; }
        public CodecAttributeValues Values { get; }
        public ITypeSymbol CodecType { get; }
        public ITypeSymbol ValueType { get; }
        public ITypeSymbol StoredType { get; }
    }
}
