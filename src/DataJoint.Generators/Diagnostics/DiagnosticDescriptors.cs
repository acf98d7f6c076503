using Microsoft.CodeAnalysis;

namespace DataJoint.Generators.Diagnostics
{
    /// <summary>The catalog of DataJoint diagnostics (documented in docs/diagnostics.md).</summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "DataJoint.Codecs";
        private const string HelpBase = "https://github.com/datajoint/datajoint-dotnet/blob/main/docs/diagnostics.md#";

        private static DiagnosticDescriptor Error(string id, string title, string message) =>
            new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
                helpLinkUri: HelpBase + id.ToLowerInvariant());

        public static readonly DiagnosticDescriptor UnknownCodec = Error("DJ0001", "Unknown codec",
            "Unknown codec <{0}> in '{1}'{2}");

        public static readonly DiagnosticDescriptor CircularChain = Error("DJ0002", "Circular codec chain",
            "Circular codec chain in '{0}': {1}");

        public static readonly DiagnosticDescriptor StoreModeNotSupported = Error("DJ0003", "Storage mode not supported by codec",
            "'{0}': {1}");

        public static readonly DiagnosticDescriptor ChainTypeMismatch = Error("DJ0004", "Codec chain type mismatch",
            "In '{0}': <{1}> encodes to {2}, but {3} expects {4}");

        public static readonly DiagnosticDescriptor DuplicateCodecName = Error("DJ0005", "Duplicate codec name",
            "Codec name '{0}' is already used by {1}");

        public static readonly DiagnosticDescriptor CodecNotPartial = Error("DJ0006", "Codec class must be partial",
            "Codec class '{0}' must be declared partial (and so must its containing types) so the generator can implement its descriptor");

        public static readonly DiagnosticDescriptor NotACodec = Error("DJ0007", "[Codec] class is not a codec",
            "'{0}' has [Codec] but does not derive from DataJoint.Codec<TValue, TStored> or DataJoint.AsyncCodec<TValue, TStored>");

        public static readonly DiagnosticDescriptor InvalidCodecName = Error("DJ0008", "Invalid codec name",
            "Invalid codec name '{0}': use letters, digits, '_' or '-', starting with a letter or '_'");

        public static readonly DiagnosticDescriptor NoCoreType = Error("DJ0009", "Codec chain never reaches a core type",
            "'{0}' never reaches a core type: {1}");

        public static readonly DiagnosticDescriptor NoStorageMode = Error("DJ0010", "Codec declares no storage mode",
            "Codec '{0}' declares neither InTable nor InStore, so it cannot be used in any definition");

        public static readonly DiagnosticDescriptor PinnedStoreInChain = new DiagnosticDescriptor("DJ0011",
            "In-store dtype pins the default store",
            "InStore = \"{0}\" sends every <{1}@store> to the default store; write \"{2}\" to inherit the store the definition names",
            Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpBase + "dj0011");
    }
}
