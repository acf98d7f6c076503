using System.Collections.Concurrent;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using DataJoint.Shared.Codecs;

namespace DataJoint;

/// <summary>
/// The process-wide codec registry (like DataJoint's, it is global, not per connection). Codecs register themselves:
/// the source generator emits a module initializer per assembly that registers its <c>[Codec]</c> classes, and loads
/// the assemblies of plugin codecs the project references.
/// </summary>
public static class Codecs
{
    private static readonly object Gate = new();
    private static readonly ConcurrentDictionary<string, ICodec> ByName = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, CodecChain> Chains = new(StringComparer.Ordinal);
    private static int _version;

    /// <summary>Changes whenever a codec is added or removed: resolved chains held elsewhere (codec plans) are re-resolved.</summary>
    internal static int Version => Volatile.Read(ref _version);

    /// <summary>The registered codec names, sorted (like <c>dj.list_codecs()</c>).</summary>
    public static IReadOnlyList<string> List()
    {
        var names = ByName.Keys.ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    /// <summary>
    /// The codec named by <paramref name="nameOrSpec"/>: a bare name (<c>graph</c>) or a spec (<c>&lt;graph@main&gt;</c>;
    /// the store part is ignored). Throws <see cref="DataJointException"/> if it is not registered.
    /// </summary>
    public static ICodec Get(string nameOrSpec) =>
        TryGet(nameOrSpec, out var codec) ? codec : throw new DataJointException(ChainMessages.Unknown(NameOf(nameOrSpec)));

    /// <summary>Looks a codec up by name or spec without throwing.</summary>
    public static bool TryGet(string nameOrSpec, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ICodec? codec) =>
        ByName.TryGetValue(NameOf(nameOrSpec), out codec);

    /// <summary>
    /// Resolves a codec type spec (<c>&lt;graph@main&gt;</c>) to its chain, final core dtype and store (DataJoint's
    /// <c>resolve_dtype</c>). Throws <see cref="DataJointException"/> with DataJoint's texts for an unknown codec, a
    /// circular chain or an unsupported storage mode, and for a chain whose links' types do not fit.
    /// </summary>
    public static CodecChain Resolve(string typeSpec)
    {
        ArgumentNullException.ThrowIfNull(typeSpec);
        if (Chains.TryGetValue(typeSpec, out var cached)) return cached;
        if (!CodecSpec.IsCodecReference(typeSpec))
        {
            throw new DataJointException($"'{typeSpec}' is not a codec type: expected <name>, <name@> or <name@store>.");
        }
        var resolution = ChainResolver.Resolve(typeSpec, TypeResolver);
        if (!resolution.Success)
        {
            var message = resolution.Message!;
            if (resolution.Error == ChainErrorKind.Circular) message += " (" + resolution.Detail + ")";
            throw new DataJointException(message);
        }
        var links = resolution.Links.Select(l => ByName[l.Codec.Name]).ToArray();
        var chain = new CodecChain(typeSpec.Trim(), resolution.FinalType!, resolution.Store, links);
        return Chains.GetOrAdd(typeSpec, chain);
    }

    /// <summary>
    /// Registers a codec. Called by generated module initializers; call it yourself only for codecs built at run time.
    /// Registering the same codec type again is a no-op; a different type under a taken name throws
    /// <see cref="DataJointException"/> naming both types.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Advanced)]
    public static void Register(ICodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        var d = codec.Descriptor;
        if (!CodecSpec.IsValidName(d.Name))
        {
            throw new DataJointException($"Codec name must be a non-empty string of letters, digits, '_' or '-', got '{d.Name}' ({CodecTypeNames.Of(codec.GetType())}).");
        }
        lock (Gate)
        {
            if (ByName.TryGetValue(d.Name, out var existing))
            {
                if (existing.GetType() == codec.GetType()) return;
                throw new DataJointException(
                    $"Codec <{d.Name}> already registered by {Describe(existing.GetType())}; cannot register {Describe(codec.GetType())} under the same name.");
            }
            if (codec is IRecordMapperSource { RecordMapper: { } mapper })
            {
                BlobRecordMappers.Register(mapper);
            }
            ByName[d.Name] = codec;
            Chains.Clear();
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>
    /// Makes sure the codecs of the assembly defining <paramref name="typeInAssembly"/> are registered (runs its module
    /// initializer). Generated code calls this for plugin codecs of referenced assemblies.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void EnsureRegistered(Type typeInAssembly) =>
        RuntimeHelpers.RunModuleConstructor(typeInAssembly.Module.ModuleHandle);

    /// <summary>Removes a codec (tests only). Throws if absent.</summary>
    internal static void Unregister(string name)
    {
        lock (Gate)
        {
            if (!ByName.TryRemove(name, out _)) throw new DataJointException($"Codec <{name}> is not registered");
            Chains.Clear();
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>
    /// The registry as the definition compiler's codec seam (§2.6 type substitution at declare time): the final core
    /// dtype of <see cref="Resolve"/>, or its error text. The one declare-time resolver of the runtime.
    /// </summary>
    internal static DataJoint.Definitions.IDeclareCodecTypeResolver DeclareResolver { get; } = new DeclareTimeResolver();

    /// <summary>The runtime side of the shared chain resolver: looks codecs up in this registry and compares <see cref="Type"/>s.</summary>
    internal static ICodecTypeResolver TypeResolver { get; } = new RuntimeResolver();

    private static string NameOf(string nameOrSpec) =>
        CodecSpec.TryParse(nameOrSpec, out var spec) ? spec.Name : nameOrSpec.Trim();

    private static string Describe(Type t) => $"{CodecTypeNames.Of(t)} (assembly {t.Assembly.GetName().Name})";

    private sealed class DeclareTimeResolver : DataJoint.Definitions.IDeclareCodecTypeResolver
    {
        public DataJoint.Definitions.CodecTypeResolution Resolve(string codecSpec)
        {
            try
            {
                return DataJoint.Definitions.CodecTypeResolution.Success(Codecs.Resolve(codecSpec).FinalType);
            }
            catch (DataJointException ex)
            {
                return DataJoint.Definitions.CodecTypeResolution.Failure(ex.Message);
            }
        }
    }

    private sealed class RuntimeResolver : ICodecTypeResolver
    {
        private readonly ConcurrentDictionary<string, Type> types = new(StringComparer.Ordinal);

        public CodecTypeInfo? FindCodec(string name)
        {
            if (!ByName.TryGetValue(name, out var codec)) return null;
            var d = codec.Descriptor;
            types.TryAdd(CodecTypeNames.Of(d.ValueType), d.ValueType);
            types.TryAdd(CodecTypeNames.Of(d.StoredType), d.StoredType);
            return d.ToInfo();
        }

        public IEnumerable<string> CodecNames => ByName.Keys;

        public bool IsAssignable(string fromType, string toType)
        {
            if (fromType == toType) return true;
            if (!types.TryGetValue(fromType, out var from) || !types.TryGetValue(toType, out var to)) return false;
            // A producer typed object is checked per value at run time.
            return from == typeof(object) || to.IsAssignableFrom(from) || (to == typeof(object));
        }

        public bool CanStore(string storedType, string family)
        {
            if (!types.TryGetValue(storedType, out var t)) return false;
            return CodecChain.CanStore(t, family);
        }
    }
}
