using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace DataJoint.Generators.Diagnostics
{
    /// <summary>The catalog of DataJoint diagnostics (documented in docs/diagnostics.md).</summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "DataJoint.Codecs";
        private const string HelpBase = "https://github.com/datajoint/datajoint-dotnet/blob/main/docs/diagnostics.md#";

        private const string DefinitionCategory = "DataJoint.Definitions";
        private const string QueryCategory = "DataJoint.Queries";

        private static DiagnosticDescriptor Error(string id, string title, string message, string category = Category) =>
            new DiagnosticDescriptor(id, title, message, category, DiagnosticSeverity.Error, isEnabledByDefault: true,
                helpLinkUri: HelpBase + id.ToLowerInvariant());

        private static DiagnosticDescriptor Warning(string id, string title, string message, string category = Category) =>
            new DiagnosticDescriptor(id, title, message, category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
                helpLinkUri: HelpBase + id.ToLowerInvariant());

        /// <summary>A definition error or warning: the message is the shared parser's (DataJoint Python's) text.</summary>
        private static DiagnosticDescriptor Definition(string id, string title) =>
            id.StartsWith("DJ11", System.StringComparison.Ordinal)
                ? Warning(id, title, "{0}", DefinitionCategory)
                : Error(id, title, "{0}", DefinitionCategory);

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

        public static readonly DiagnosticDescriptor NoTier = Error("DJ0012", "Table class has no tier",
            "[Table] class '{0}' must derive from Manual, Lookup, Imported, Computed or Part<TMaster>", DefinitionCategory);

        public static readonly DiagnosticDescriptor NoDefinition = Error("DJ0013", "Table class has no definition",
            "[Table] class '{0}' must declare its definition as a string constant: public const string Definition = \"\"\"...\"\"\";", DefinitionCategory);

        public static readonly DiagnosticDescriptor ReferenceNotATable = Error("DJ0014", "Foreign key to a class that is not a table",
            "Foreign key reference {0} names '{1}', which is not a [Table] class", DefinitionCategory);

        public static readonly DiagnosticDescriptor PartNotNested = Error("DJ0015", "Part table is not nested in its master",
            "Part table '{0}' must be declared inside its master class '{1}' (DataJoint names a part <master>__<part>)", DefinitionCategory);

        public static readonly DiagnosticDescriptor TableNotPartial = Error("DJ0016", "Table class must be partial",
            "Table class '{0}' must be declared partial (and so must its containing types) so the generator can add its Row, Key and metadata", DefinitionCategory);

        public static readonly DiagnosticDescriptor QueryRowNotPartial = Error("DJ0030", "Query row type must be partial",
            "[QueryRow] type '{0}' must be declared partial (and so must its containing types) so the generator can add its IQueryRow mappers", QueryCategory);

        public static readonly DiagnosticDescriptor QueryRowNotFillable = Error("DJ0031", "Query row type cannot be filled",
            "[QueryRow] type '{0}' has no public constructor whose parameters are all properties, or no property to fill: give it one (a positional record works)", QueryCategory);

        // The definition catalog (DJ1xxx): one descriptor per DefinitionErrorCode that can be seen at compile time.
        public static readonly DiagnosticDescriptor UnsupportedType = Definition("DJ1001", "Unsupported attribute type");
        public static readonly DiagnosticDescriptor AttributeSyntax = Definition("DJ1002", "Attribute line syntax error");
        public static readonly DiagnosticDescriptor LeadingUnderscore = Definition("DJ1003", "Attribute name starts with an underscore");
        public static readonly DiagnosticDescriptor NullablePrimaryKey = Definition("DJ1004", "Nullable primary-key attribute");
        public static readonly DiagnosticDescriptor BlobDefault = Definition("DJ1005", "Blob attribute with a non-null default");
        public static readonly DiagnosticDescriptor AttributeCommentColon = Definition("DJ1006", "Attribute comment starts with a colon");
        public static readonly DiagnosticDescriptor TableCommentColon = Definition("DJ1007", "Table comment starts with a colon");
        public static readonly DiagnosticDescriptor UnknownCoreType = Definition("DJ1008", "Unknown core type");
        public static readonly DiagnosticDescriptor DuplicateAttribute = Definition("DJ1009", "Attribute declared twice");
        public static readonly DiagnosticDescriptor ForeignKeySyntax = Definition("DJ1010", "Foreign key line syntax error");
        public static readonly DiagnosticDescriptor InvalidForeignKeyOption = Definition("DJ1011", "Invalid foreign key option");
        public static readonly DiagnosticDescriptor NullablePrimaryDependency = Definition("DJ1012", "Nullable primary dependency");
        public static readonly DiagnosticDescriptor UnsupportedDependency = Definition("DJ1013", "Unsupported dependency");
        public static readonly DiagnosticDescriptor UnresolvedReference = Definition("DJ1014", "Unresolved foreign key reference");
        public static readonly DiagnosticDescriptor IndexSyntax = Definition("DJ1015", "Index line syntax error");
        public static readonly DiagnosticDescriptor TableNameTooLong = Definition("DJ1016", "Table name too long");
        public static readonly DiagnosticDescriptor InvalidClassName = Definition("DJ1017", "Invalid table class name");
        public static readonly DiagnosticDescriptor NonForeignKeyPrimaryKey = Definition("DJ1018", "Auto-populated table with its own primary-key attribute");
        public static readonly DiagnosticDescriptor BlobOrJsonInPrimaryKey = Definition("DJ1019", "Blob or JSON attribute in the primary key");
        public static readonly DiagnosticDescriptor InvalidRename = Definition("DJ1020", "Invalid foreign key rename");
        public static readonly DiagnosticDescriptor NativeTypeWarning = Definition("DJ1101", "Native SQL type");
        public static readonly DiagnosticDescriptor ClassNameUnderscoreWarning = Definition("DJ1102", "Underscores in a table class name");
        public static readonly DiagnosticDescriptor RenameIgnoredWarning = Definition("DJ1104", "Rename of an attribute outside the parent's key");

        /// <summary>Every descriptor of the catalog, by id (analyzer and generator).</summary>
        public static readonly IReadOnlyList<DiagnosticDescriptor> All = new[]
        {
            UnknownCodec, CircularChain, StoreModeNotSupported, ChainTypeMismatch, DuplicateCodecName, CodecNotPartial, NotACodec,
            InvalidCodecName, NoCoreType, NoStorageMode, PinnedStoreInChain, NoTier, NoDefinition, ReferenceNotATable, PartNotNested,
            TableNotPartial, UnsupportedType, AttributeSyntax, LeadingUnderscore, NullablePrimaryKey, BlobDefault, AttributeCommentColon,
            TableCommentColon, UnknownCoreType, DuplicateAttribute, ForeignKeySyntax, InvalidForeignKeyOption, NullablePrimaryDependency,
            UnsupportedDependency, UnresolvedReference, IndexSyntax, TableNameTooLong, InvalidClassName, NonForeignKeyPrimaryKey,
            BlobOrJsonInPrimaryKey, InvalidRename, NativeTypeWarning, ClassNameUnderscoreWarning, RenameIgnoredWarning,
            QueryRowNotPartial, QueryRowNotFillable,
        };

        private static readonly Dictionary<string, DiagnosticDescriptor> Index = BuildIndex();

        private static Dictionary<string, DiagnosticDescriptor> BuildIndex()
        {
            var d = new Dictionary<string, DiagnosticDescriptor>(System.StringComparer.Ordinal);
            foreach (var x in All) d[x.Id] = x;
            return d;
        }

        /// <summary>The descriptor of <paramref name="id"/>.</summary>
        public static DiagnosticDescriptor ById(string id) => Index[id];
    }
}
