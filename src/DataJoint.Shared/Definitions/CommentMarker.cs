// Reading a column comment back (§2.7, heading.py _init_from_database): `:<type>:<user comment>`.
using System;
using System.Text.RegularExpressions;

namespace DataJoint.Definitions
{
    /// <summary>What the column comment of a DataJoint column says about the column's type.</summary>
    internal sealed class ColumnComment
    {
        internal ColumnComment(string rawComment, string? markerType, string comment, string? codecName, string? codecStore, CoreType? core, string? legacyError)
        {
            RawComment = rawComment;
            MarkerType = markerType;
            Comment = comment;
            CodecName = codecName;
            CodecStore = codecStore;
            Core = core;
            LegacyError = legacyError;
        }

        /// <summary>The comment as stored in the database.</summary>
        public string RawComment { get; }

        /// <summary>The text between the colons (<c>int32</c>, <c>&lt;blob@main&gt;</c>), or null when there is no marker.</summary>
        public string? MarkerType { get; }

        /// <summary>The user comment (after the marker, or the whole comment when there is none).</summary>
        public string Comment { get; }

        public bool HasMarker => MarkerType != null;

        /// <summary>True when the marker is a codec spec (starts with <c>&lt;</c>).</summary>
        public bool IsCodec => CodecName != null;

        /// <summary>Codec name (trimmed, without brackets and store).</summary>
        public string? CodecName { get; }

        /// <summary>Store: null without <c>@</c>, <c>""</c> for <c>&lt;x@&gt;</c>, else the store name.</summary>
        public string? CodecStore { get; }

        /// <summary>
        /// The display alias (<c>original_type</c>) when the marker is not a codec: <c>int32</c>, <c>uuid</c>, or an unknown
        /// alias such as <c>uint32</c>/<c>int24</c> written by older versions (tolerated: the column is a plain native type).
        /// </summary>
        public string? Alias => IsCodec ? null : MarkerType;

        /// <summary>The core type of the alias when it is one of today's core types (case-insensitive), else null.</summary>
        public CoreType? Core { get; }

        /// <summary>The column holds UUIDs (marker <c>:uuid:</c>).</summary>
        public bool IsUuid => Core == CoreType.Uuid;

        /// <summary>
        /// Non-null for a 0.14 external type (<c>:external...:</c>): <c>Legacy datatype `&lt;t&gt;`. See migration guide: ...</c>.
        /// A reader must refuse the table with this text.
        /// </summary>
        public string? LegacyError { get; }
    }

    /// <summary>Parses and builds column comment markers.</summary>
    internal static class CommentMarker
    {
        // Python: re.match(r"^:(?P<type>[^:]+):(?P<comment>.*)", comment) — '.' does not match a newline.
        private static readonly Regex Marker = new(@"^:(?<type>[^:]+):(?<comment>.*)", RegexOptions.CultureInvariant);

        private static readonly Regex IntOrFloatWidth = new(@"^(tiny|small|medium|big)?int|^(float|double|real)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static readonly Regex DisplayWidth = new(@"\(\d+\)", RegexOptions.CultureInvariant);

        /// <summary>Reads a stored column comment (§2.7 step 3).</summary>
        public static ColumnComment Parse(string? rawComment)
        {
            var raw = rawComment ?? "";
            var m = Marker.Match(raw);
            if (!m.Success)
            {
                return new ColumnComment(raw, null, raw, null, null, null, null);
            }

            var type = m.Groups["type"].Value;
            var comment = m.Groups["comment"].Value;
            var trimmed = type.Trim();
            if (trimmed.Length > 0 && trimmed[0] == '<')
            {
                DataJointTypes.ParseCodecSpec(trimmed, out var name, out var store);
                return new ColumnComment(raw, type, comment, name, store, null, null);
            }

            if (trimmed.StartsWith("external", StringComparison.Ordinal))
            {
                var legacy = "Legacy datatype `" + trimmed + "`. See migration guide: https://docs.datajoint.com/how-to/migrate-to-v20/";
                return new ColumnComment(raw, type, comment, null, null, null, legacy);
            }

            var info = DataJointTypes.Classify(trimmed, out _, out _);
            return new ColumnComment(raw, type, comment, null, null, info?.Core, null);
        }

        /// <summary>
        /// The stored comment for a core or codec attribute: <c>":" + type as written + ":" + user comment</c> (unescaped;
        /// <see cref="EscapeForDdl"/> escapes it for a <c>COMMENT "..."</c> clause).
        /// </summary>
        public static string Build(string typeAsWritten, string userComment) => ":" + typeAsWritten + ":" + userComment;

        /// <summary>Escapes double quotes as <c>\"</c> for a double-quoted DDL comment (§2.2).</summary>
        public static string EscapeForDdl(string comment) => comment.Replace("\"", "\\\"");

        /// <summary>
        /// Strips an integer/float display width old servers report (<c>int(11)</c> → <c>int</c>, <c>int(10) unsigned</c> →
        /// <c>int unsigned</c>); other types are returned unchanged (§2.7 step 7).
        /// </summary>
        public static string NormalizeSqlType(string sqlType)
        {
            if (!IntOrFloatWidth.IsMatch(sqlType))
            {
                return sqlType;
            }

            return DisplayWidth.Replace(sqlType, "", 1);
        }

        /// <summary>§2.7 step 5, first half: the SQL type itself is JSON (<c>json</c>/<c>jsonb</c>) or the marker is <c>:json:</c>.</summary>
        public static bool IsJsonColumn(string sqlType, ColumnComment comment) =>
            DataJointTypes.IsJsonSql(sqlType) || comment.Core == CoreType.Json;
    }
}
