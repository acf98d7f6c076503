// Type classification of §1: core types (portable, recorded in the comment marker), native MySQL types
// (pass-through with a warning) and codec references. Regexes and their order follow DataJoint Python 2.x
// (declare.py TYPE_PATTERN) because the same text must be accepted or rejected the same way.
using System;
using System.Text.RegularExpressions;

namespace DataJoint.Definitions
{
    /// <summary>The classification of one attribute type text. Immutable.</summary>
    internal sealed class TypeClassification
    {
        private TypeClassification(TypeCategory category, CoreType? core, NativeType? native, string? sqlType, string? codecName, string? codecStore)
        {
            Category = category;
            Core = core;
            Native = native;
            SqlType = sqlType;
            CodecName = codecName;
            CodecStore = codecStore;
        }

        public TypeCategory Category { get; }

        public CoreType? Core { get; }

        public NativeType? Native { get; }

        /// <summary>The MySQL column type for core and native types; null for codecs (known only after resolution).</summary>
        public string? SqlType { get; }

        /// <summary>Codec name without brackets and store, trimmed (<c>blob</c> for <c>&lt;blob@main&gt;</c>).</summary>
        public string? CodecName { get; }

        /// <summary>Store part of a codec spec: null without <c>@</c>, <c>""</c> for <c>&lt;x@&gt;</c>, else the trimmed name.</summary>
        public string? CodecStore { get; }

        internal static TypeClassification ForCore(CoreType core, string sqlType) => new(TypeCategory.Core, core, null, sqlType, null, null);

        internal static TypeClassification ForNative(NativeType native, string sqlType) => new(TypeCategory.Native, null, native, sqlType, null, null);

        internal static TypeClassification ForCodec(string name, string? store) => new(TypeCategory.Codec, null, null, null, name, store);
    }

    /// <summary>Classification and SQL mapping of DataJoint attribute types.</summary>
    internal static class DataJointTypes
    {
        private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

        // §1.1, in Python's order; each anchored at the start (re.match) and at the end ($).
        private static readonly (CoreType Type, Regex Pattern)[] CorePatterns =
        {
            (CoreType.Float32, new Regex(@"^float32$", Options)),
            (CoreType.Float64, new Regex(@"^float64$", Options)),
            (CoreType.Int64, new Regex(@"^int64$", Options)),
            (CoreType.Int32, new Regex(@"^int32$", Options)),
            (CoreType.Int16, new Regex(@"^int16$", Options)),
            (CoreType.Int8, new Regex(@"^int8$", Options)),
            (CoreType.Bool, new Regex(@"^bool$", Options)),
            (CoreType.Uuid, new Regex(@"^uuid$", Options)),
            (CoreType.Json, new Regex(@"^jsonb?$", Options)),
            (CoreType.Bytes, new Regex(@"^bytes$", Options)),
            (CoreType.Date, new Regex(@"^date$", Options)),
            (CoreType.Datetime, new Regex(@"^datetime(\s*\(\d+\))?$", Options)),
            (CoreType.Char, new Regex(@"^char\s*\(\d+\)$", Options)),
            (CoreType.Varchar, new Regex(@"^varchar\s*\(\d+\)$", Options)),
            (CoreType.Enum, new Regex(@"^enum\s*\(.+\)$", Options)),
            (CoreType.Decimal, new Regex(@"^decimal\s*\(\d+\s*,\s*\d+\)$", Options)),
        };

        // §1.2, matched after the core types. INTEGER's first alternative has no "$" (Python QUIRK, kept).
        private static readonly (NativeType Type, Regex Pattern)[] NativePatterns =
        {
            (NativeType.Integer, new Regex(@"^(((tiny|small|medium|big|)int|integer)(\s*\(.+\))?(\s+unsigned)?(\s+auto_increment)?|serial$)", Options)),
            (NativeType.Numeric, new Regex(@"^numeric(\s*\(.+\))?(\s+unsigned)?$", Options)),
            (NativeType.Float, new Regex(@"^(double|float|real)(\s*\(.+\))?(\s+unsigned)?$", Options)),
            (NativeType.String, new Regex(@"^(var)?char\s*\(.+\)$", Options)),
            (NativeType.Temporal, new Regex(@"^(time|timestamp|year)(\s*\(.+\))?$", Options)),
            (NativeType.Blob, new Regex(@"^(tiny|small|medium|long)blob$", Options)),
            (NativeType.Text, new Regex(@"^(tiny|small|medium|long)?text$", Options)),
        };

        private static readonly Regex CodecPattern = new(@"^<.+>$", Options);

        // What MySQL accepts of the INTEGER alternative: Python's pattern lets `int33` through to CREATE TABLE, where the
        // server rejects it; here it is an unsupported type at once (at compile time for [Table] classes).
        private static readonly Regex StrictInteger =
            new(@"^(((tiny|small|medium|big|)int|integer)(\s*\(.+\))?(\s+unsigned)?(\s+auto_increment)?|serial)$", Options);

        /// <summary>
        /// Classifies a type as written (trimmed). Returns null and sets <paramref name="errorCode"/>/<paramref name="error"/>
        /// when the type is unsupported (<c>Unsupported attribute type uint8</c>) or is a core type spelled in a way
        /// Python cannot convert (<c>Unknown core type: INT32</c>).
        /// </summary>
        public static TypeClassification? Classify(string type, out DefinitionErrorCode errorCode, out string? error)
        {
            errorCode = default;
            error = null;
            foreach (var (core, pattern) in CorePatterns)
            {
                if (pattern.IsMatch(type))
                {
                    var sql = CoreToSql(type, core);
                    if (sql == null)
                    {
                        errorCode = DefinitionErrorCode.UnknownCoreType;
                        error = "Unknown core type: " + type;
                        return null;
                    }

                    return TypeClassification.ForCore(core, sql);
                }
            }

            foreach (var (native, pattern) in NativePatterns)
            {
                if (pattern.IsMatch(type))
                {
                    if (native == NativeType.Integer && !StrictInteger.IsMatch(type))
                    {
                        break;
                    }

                    return TypeClassification.ForNative(native, type);
                }
            }

            if (CodecPattern.IsMatch(type))
            {
                ParseCodecSpec(type, out var name, out var store);
                return TypeClassification.ForCodec(name, store);
            }

            errorCode = DefinitionErrorCode.UnsupportedType;
            error = "Unsupported attribute type " + type;
            return null;
        }

        /// <summary>
        /// MySQL type of a core type as written, or null when Python's adapter would raise <c>Unknown core type</c>
        /// (simple types are looked up by exact lower-case key; parametrized ones by exact prefix).
        /// </summary>
        public static string? CoreToSql(string type, CoreType core)
        {
            switch (core)
            {
                case CoreType.Float32: return type == "float32" ? "float" : null;
                case CoreType.Float64: return type == "float64" ? "double" : null;
                case CoreType.Int64: return type == "int64" ? "bigint" : null;
                case CoreType.Int32: return type == "int32" ? "int" : null;
                case CoreType.Int16: return type == "int16" ? "smallint" : null;
                case CoreType.Int8: return type == "int8" ? "tinyint" : null;
                case CoreType.Bool: return type == "bool" ? "tinyint" : null;
                case CoreType.Uuid: return type == "uuid" ? "binary(16)" : null;
                case CoreType.Json: return type == "json" ? "json" : null;
                case CoreType.Bytes: return type == "bytes" ? "longblob" : null;
                case CoreType.Date: return type == "date" ? "date" : null;
                case CoreType.Datetime: return StartsWithOrdinal(type, "datetime") ? type : null;
                case CoreType.Char: return StartsWithOrdinal(type, "char(") ? type : null;
                case CoreType.Varchar: return StartsWithOrdinal(type, "varchar(") ? type : null;
                case CoreType.Enum: return StartsWithOrdinal(type, "enum(") ? type : null;
                case CoreType.Decimal: return StartsWithOrdinal(type, "decimal(") ? type : null;
                default: return null;
            }
        }

        /// <summary>
        /// Maps the final dtype of a codec chain (a core type name such as <c>bytes</c>/<c>json</c>, or a native type)
        /// to its MySQL column type; null when the text is neither.
        /// </summary>
        public static string? FinalTypeToSql(string finalType)
        {
            var info = Classify(finalType.Trim(), out _, out _);
            if (info == null || info.Category == TypeCategory.Codec)
            {
                return null;
            }

            return info.SqlType;
        }

        /// <summary>Splits <c>&lt;name@store&gt;</c>: name trimmed; store null without <c>@</c>, else the trimmed text after it.</summary>
        public static void ParseCodecSpec(string spec, out string name, out string? store)
        {
            var inner = spec.Trim();
            if (inner.Length >= 2 && inner[0] == '<' && inner[inner.Length - 1] == '>')
            {
                inner = inner.Substring(1, inner.Length - 2);
            }

            var at = inner.IndexOf('@');
            if (at < 0)
            {
                name = inner.Trim();
                store = null;
            }
            else
            {
                name = inner.Substring(0, at).Trim();
                store = inner.Substring(at + 1).Trim();
            }
        }

        /// <summary>True when a MySQL type is a blob type (the §2.3 default rule).</summary>
        public static bool IsBlobSql(string sqlType) => sqlType.IndexOf("blob", StringComparison.OrdinalIgnoreCase) >= 0;

        /// <summary>True when a MySQL type is JSON (<c>json</c>/<c>jsonb</c>).</summary>
        public static bool IsJsonSql(string sqlType) =>
            string.Equals(sqlType, "json", StringComparison.OrdinalIgnoreCase) || string.Equals(sqlType, "jsonb", StringComparison.OrdinalIgnoreCase);

        /// <summary>The .NET type a core type maps to (documentation and generator use).</summary>
        public static string ClrTypeName(CoreType core)
        {
            switch (core)
            {
                case CoreType.Float32: return "float";
                case CoreType.Float64: return "double";
                case CoreType.Int64: return "long";
                case CoreType.Int32: return "int";
                case CoreType.Int16: return "short";
                case CoreType.Int8: return "sbyte";
                case CoreType.Bool: return "bool";
                case CoreType.Uuid: return "System.Guid";
                case CoreType.Json: return "System.Text.Json.JsonElement";
                case CoreType.Bytes: return "byte[]";
                case CoreType.Date: return "System.DateOnly";
                case CoreType.Datetime: return "System.DateTime";
                case CoreType.Decimal: return "decimal";
                default: return "string";
            }
        }

        private static bool StartsWithOrdinal(string s, string prefix) => s.StartsWith(prefix, StringComparison.Ordinal);
    }
}
