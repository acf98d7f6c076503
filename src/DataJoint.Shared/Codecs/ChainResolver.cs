using System;
using System.Collections.Generic;
using System.Text;

namespace DataJoint.Shared.Codecs
{
    /// <summary>
    /// What chain resolution needs to know about one codec: its name, the dtype it declares per storage mode
    /// (null = mode not supported, with an optional codec-specific error text) and the names of its value and
    /// stored types. The runtime builds these from registered codecs, the generator/analyzer from [Codec]
    /// attributes and referenced assemblies' manifests.
    /// </summary>
    internal sealed class CodecTypeInfo
    {
        public CodecTypeInfo(string name, string? inTable, string? inStore, string? inTableError, string? inStoreError,
            string valueType, string storedType, string codecType)
        {
            Name = name;
            InTable = inTable;
            InStore = inStore;
            InTableError = inTableError;
            InStoreError = inStoreError;
            ValueType = valueType;
            StoredType = storedType;
            CodecType = codecType;
        }

        public string Name { get; }
        public string? InTable { get; }
        public string? InStore { get; }
        public string? InTableError { get; }
        public string? InStoreError { get; }
        /// <summary>Type name of the values the codec encodes (side-specific spelling; compared only through the resolver).</summary>
        public string ValueType { get; }
        /// <summary>Type name of what Encode returns.</summary>
        public string StoredType { get; }
        /// <summary>Type name of the codec class (for duplicate/error messages).</summary>
        public string CodecType { get; }

        /// <summary>The dtype for a mode, or null with <paramref name="error"/> set when the mode is not supported.</summary>
        public string? GetDtype(bool inStore, out string? error)
        {
            var dtype = inStore ? InStore : InTable;
            error = null;
            if (dtype != null && dtype.Trim().Length > 0) return dtype.Trim();
            error = inStore
                ? InStoreError ?? ChainMessages.InStoreNotSupported(Name)
                : InTableError ?? ChainMessages.InTableNotSupported(Name);
            return null;
        }
    }

    /// <summary>
    /// Looks codecs up by name for chain resolution and answers type questions in the caller's type system.
    /// Implemented by the runtime registry and by the generator/analyzer, so <c>&lt;graph@main&gt;</c> → <c>json</c>
    /// substitution (spec §2.6) is computed the same way on both sides.
    /// </summary>
    internal interface ICodecTypeResolver
    {
        /// <summary>The codec registered under <paramref name="name"/>, or null.</summary>
        CodecTypeInfo? FindCodec(string name);

        /// <summary>All known codec names (used for "did you mean" suggestions).</summary>
        IEnumerable<string> CodecNames { get; }

        /// <summary>Whether a value of type <paramref name="fromType"/> is accepted where <paramref name="toType"/> is expected.</summary>
        bool IsAssignable(string fromType, string toType);

        /// <summary>
        /// Whether a value of <paramref name="storedType"/> can be written to a column of the core type family
        /// (<c>bytes</c>, <c>json</c>, <c>string</c>; see <see cref="CodecCoreTypes.Family"/>).
        /// </summary>
        bool CanStore(string storedType, string family);
    }

    internal enum ChainErrorKind
    {
        None = 0,
        UnknownCodec,
        Circular,
        ModeNotSupported,
        TypeMismatch,
        NoCoreType,
    }

    /// <summary>One codec of a resolved chain with the store it runs with (null = in-table, "" = default store).</summary>
    internal sealed class ChainLink
    {
        public ChainLink(CodecTypeInfo codec, string? store)
        {
            Codec = codec;
            Store = store;
        }

        public CodecTypeInfo Codec { get; }
        public string? Store { get; }
    }

    /// <summary>Result of <see cref="ChainResolver.Resolve"/>: the chain outer→inner, the final dtype and store, or an error.</summary>
    internal sealed class ChainResolution
    {
        public string Dtype { get; internal set; } = string.Empty;
        /// <summary>Final (core or native) dtype, e.g. <c>bytes</c> or <c>json</c>; null on error.</summary>
        public string? FinalType { get; internal set; }
        /// <summary>null = no store; "" = default store; else the store name.</summary>
        public string? Store { get; internal set; }
        public List<ChainLink> Links { get; } = new List<ChainLink>();
        public ChainErrorKind Error { get; internal set; }
        /// <summary>The DataJoint error text (spec §8) for <see cref="Error"/>.</summary>
        public string? Message { get; internal set; }
        /// <summary>The codec the error is about (unknown name, codec with the unsupported mode, cycle start...).</summary>
        public string? ErrorCodec { get; internal set; }
        /// <summary>For cycles: the path <c>&lt;a&gt; → &lt;b&gt; → &lt;a&gt;</c>. For mismatches: a description of both sides.</summary>
        public string? Detail { get; internal set; }
        /// <summary>For unknown codecs: the closest known name, or null.</summary>
        public string? Suggestion { get; internal set; }
        /// <summary>For type mismatches: the type the producing codec (<see cref="ErrorCodec"/>) encodes to.</summary>
        public string? ProducedType { get; internal set; }
        /// <summary>For type mismatches: what receives it (<c>&lt;blob&gt;</c> or <c>column type 'bytes'</c>).</summary>
        public string? Consumer { get; internal set; }
        /// <summary>For type mismatches: the type the receiver expects.</summary>
        public string? ExpectedType { get; internal set; }
        public bool Success => Error == ChainErrorKind.None;
    }

    /// <summary>The spec's error texts (§4.2, §4.3, §5, §8) plus the C#-only chain checks.</summary>
    internal static class ChainMessages
    {
        /// <summary>Spec §4.2 lookup text (the Python quirk of literal braces is fixed: the name is filled in).</summary>
        public static string Unknown(string name) =>
            "Codec <" + name + "> is not registered. Define a Codec subclass with name='" + name + "'.";

        public static string Circular(string name) => "Circular codec reference detected: <" + name + ">";

        /// <summary>Default for store-only codecs (SchemaCodec text, spec §4.6).</summary>
        public static string InTableNotSupported(string name) => "<" + name + "> requires @ (store only)";

        /// <summary>Default for in-table-only codecs (no Python counterpart: custom codecs raise their own text there).</summary>
        public static string InStoreNotSupported(string name) => "<" + name + "> does not support @ (in-table storage only)";

        public static string InvalidDtype(string dtype, string codecSpec) => "Invalid dtype '" + dtype + "' in codec " + codecSpec + ".";

        public static string Mismatch(string producer, string producedType, string consumer, string expectedType) =>
            "Codec chain type mismatch: <" + producer + "> encodes to " + producedType + " but <" + consumer + "> expects " + expectedType + ".";

        public static string FinalMismatch(string producer, string producedType, string dtype) =>
            "Codec chain type mismatch: <" + producer + "> encodes to " + producedType + ", which cannot be stored as '" + dtype + "'.";
    }

    /// <summary>
    /// DataJoint's <c>resolve_dtype</c> (spec §4.3), with cycle detection, store-mode errors and (optionally) type
    /// checks between links. One implementation for the runtime and the generator.
    /// </summary>
    internal static class ChainResolver
    {
        /// <summary>
        /// Resolves <paramref name="dtype"/>: a codec reference is followed until a core or native type is reached.
        /// Inner codecs inherit the outer store unless they name their own (<c>&lt;x@s&gt;</c>).
        /// </summary>
        public static ChainResolution Resolve(string dtype, ICodecTypeResolver resolver, bool checkTypes = true)
        {
            var result = new ChainResolution { Dtype = dtype };
            var seen = new List<string>();
            string? store = null;
            var current = dtype.Trim();
            string? outerSpec = null;
            while (true)
            {
                if (CodecSpec.TryParse(current, out var spec))
                {
                    var eff = spec.Store ?? store;
                    if (seen.Contains(spec.Name))
                    {
                        seen.Add(spec.Name);
                        return Fail(result, ChainErrorKind.Circular, ChainMessages.Circular(spec.Name), spec.Name, CyclePath(seen));
                    }
                    seen.Add(spec.Name);
                    var codec = resolver.FindCodec(spec.Name);
                    if (codec == null)
                    {
                        var fail = Fail(result, ChainErrorKind.UnknownCodec, ChainMessages.Unknown(spec.Name), spec.Name, null);
                        fail.Suggestion = Suggest(spec.Name, resolver.CodecNames);
                        return fail;
                    }
                    var inner = codec.GetDtype(eff != null, out var modeError);
                    if (inner == null)
                    {
                        return Fail(result, ChainErrorKind.ModeNotSupported, modeError!, spec.Name, null);
                    }
                    result.Links.Add(new ChainLink(codec, eff));
                    store = eff;
                    outerSpec = CodecSpec.Format(spec.Name, eff);
                    current = inner;
                    continue;
                }

                string final;
                var at = current.IndexOf('@');
                if (at >= 0)
                {
                    final = current.Substring(0, at).Trim();
                    var s = current.Substring(at + 1).Trim();
                    store = s.Length > 0 ? s : store;
                }
                else
                {
                    final = current;
                }

                if (outerSpec != null && CodecCoreTypes.Classify(final) == DtypeKind.Unsupported)
                {
                    var last = result.Links[result.Links.Count - 1].Codec.Name;
                    return Fail(result, ChainErrorKind.NoCoreType, ChainMessages.InvalidDtype(final, outerSpec), last, null);
                }
                result.FinalType = final;
                result.Store = store;
                break;
            }

            if (checkTypes)
            {
                for (var i = 0; i + 1 < result.Links.Count; i++)
                {
                    var producer = result.Links[i].Codec;
                    var consumer = result.Links[i + 1].Codec;
                    if (!resolver.IsAssignable(producer.StoredType, consumer.ValueType))
                    {
                        var fail = Fail(result, ChainErrorKind.TypeMismatch,
                            ChainMessages.Mismatch(producer.Name, producer.StoredType, consumer.Name, consumer.ValueType),
                            producer.Name, null);
                        fail.ProducedType = producer.StoredType;
                        fail.Consumer = "<" + consumer.Name + ">";
                        fail.ExpectedType = consumer.ValueType;
                        return fail;
                    }
                }
                if (result.Links.Count > 0)
                {
                    var last = result.Links[result.Links.Count - 1].Codec;
                    var family = CodecCoreTypes.Family(result.FinalType!);
                    if (family != null && !resolver.CanStore(last.StoredType, family))
                    {
                        var final = result.FinalType!;
                        var fail = Fail(result, ChainErrorKind.TypeMismatch,
                            ChainMessages.FinalMismatch(last.Name, last.StoredType, final), last.Name, null);
                        fail.ProducedType = last.StoredType;
                        fail.Consumer = "column type '" + final + "'";
                        fail.ExpectedType = family == "bytes" ? "byte[]" : "string";
                        return fail;
                    }
                }
            }
            return result;
        }

        private static ChainResolution Fail(ChainResolution r, ChainErrorKind kind, string message, string codec, string? detail)
        {
            r.Error = kind;
            r.Message = message;
            r.ErrorCodec = codec;
            r.Detail = detail;
            r.FinalType = null;
            return r;
        }

        private static string CyclePath(List<string> names)
        {
            var sb = new StringBuilder();
            // Start the path at the first occurrence of the repeated name.
            var repeated = names[names.Count - 1];
            var start = names.IndexOf(repeated);
            for (var i = start; i < names.Count; i++)
            {
                if (sb.Length > 0) sb.Append(" \u2192 ");
                sb.Append('<').Append(names[i]).Append('>');
            }
            return sb.ToString();
        }

        /// <summary>The known name closest to <paramref name="name"/> (edit distance ≤ max(2, len/3)), or null.</summary>
        public static string? Suggest(string name, IEnumerable<string> known)
        {
            string? best = null;
            var bestDistance = int.MaxValue;
            var limit = Math.Max(2, name.Length / 3);
            foreach (var k in known)
            {
                var d = Distance(name.ToLowerInvariant(), k.ToLowerInvariant());
                if (d < bestDistance || (d == bestDistance && best != null && string.CompareOrdinal(k, best) < 0))
                {
                    bestDistance = d;
                    best = k;
                }
            }
            return bestDistance <= limit ? best : null;
        }

        /// <summary>
        /// Optimal-string-alignment distance: insertions, deletions, substitutions and a swap of two adjacent
        /// characters each count as one edit (so <c>tp</c> is one edit from <c>pt</c>, two from <c>npy</c>).
        /// </summary>
        internal static int Distance(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
            for (var j = 0; j <= b.Length; j++) d[0, j] = j;
            for (var i = 1; i <= a.Length; i++)
            {
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    var v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = Math.Min(v, d[i - 2, j - 2] + 1);
                    d[i, j] = v;
                }
            }
            return d[a.Length, b.Length];
        }
    }
}
