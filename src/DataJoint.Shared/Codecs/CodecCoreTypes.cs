using System.Text.RegularExpressions;

namespace DataJoint.Shared.Codecs
{
    /// <summary>What a non-codec dtype at the end of a codec chain is (spec §1.1, §1.2).</summary>
    internal enum DtypeKind
    {
        /// <summary>Not a type DataJoint accepts.</summary>
        Unsupported = 0,
        /// <summary>A core (portable) type such as <c>bytes</c>, <c>json</c>, <c>varchar(64)</c>.</summary>
        Core = 1,
        /// <summary>A native MySQL type passed through (e.g. <c>longblob</c>, <c>int unsigned</c>).</summary>
        Native = 2,
    }

    /// <summary>
    /// Classifies the dtype a codec chain ends in, with the anchored, case-insensitive patterns of spec §1.1/§1.2.
    /// Only what chain resolution needs; the definition parser owns full attribute-type handling.
    /// </summary>
    internal static class CodecCoreTypes
    {
        private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

        // Core types, in the order DataJoint matches them.
        private static readonly Regex Core = new Regex(
            @"^(float32|float64|int64|int32|int16|int8|bool|uuid|jsonb?|bytes|date|datetime(\s*\(\d+\))?|char\s*\(\d+\)|varchar\s*\(\d+\)|enum\s*\(.+\)|decimal\s*\(\d+\s*,\s*\d+\))$",
            Options);

        private static readonly Regex Native = new Regex(
            @"^(((tiny|small|medium|big|)int|integer)(\s*\(.+\))?(\s+unsigned)?(\s+auto_increment)?.*|serial|numeric(\s*\(.+\))?(\s+unsigned)?|(double|float|real)(\s*\(.+\))?(\s+unsigned)?|(var)?char\s*\(.+\)|(time|timestamp|year)(\s*\(.+\))?|(tiny|small|medium|long)blob|(tiny|small|medium|long)?text)$",
            Options);

        /// <summary>Classifies a dtype that is not a codec reference.</summary>
        public static DtypeKind Classify(string dtype)
        {
            var t = (dtype ?? string.Empty).Trim();
            if (t.Length == 0) return DtypeKind.Unsupported;
            if (Core.IsMatch(t)) return DtypeKind.Core;
            if (Native.IsMatch(t)) return DtypeKind.Native;
            return DtypeKind.Unsupported;
        }

        /// <summary>The lower-case core type family used for value-type checks: <c>bytes</c>, <c>json</c>, <c>string</c> or null.</summary>
        public static string? Family(string dtype)
        {
            var t = (dtype ?? string.Empty).Trim().ToLowerInvariant();
            if (t == "bytes" || t.EndsWith("blob", System.StringComparison.Ordinal)) return "bytes";
            if (t == "json") return "json";
            if (t.StartsWith("varchar", System.StringComparison.Ordinal) || t.StartsWith("char", System.StringComparison.Ordinal)
                || t.StartsWith("enum", System.StringComparison.Ordinal) || t.EndsWith("text", System.StringComparison.Ordinal))
            {
                return "string";
            }
            return null;
        }
    }
}
