// Class name <-> SQL table name (§3.1, DataJoint Python utils.py from_camel_case / to_camel_case,
// user_tables.py tier prefixes and tier_regexp) and job table names (§3.5).
using System;
using System.Text;
using System.Text.RegularExpressions;

namespace DataJoint.Definitions
{
    /// <summary>What a SQL table name says about its table (reverse of <see cref="TableNaming.TryGetTableName"/>).</summary>
    internal sealed class ParsedTableName
    {
        public ParsedTableName(string sqlName, TableTier tier, string className, string? masterSqlName, TableTier? masterTier, string? masterClassName)
        {
            SqlName = sqlName;
            Tier = tier;
            ClassName = className;
            MasterSqlName = masterSqlName;
            MasterTier = masterTier;
            MasterClassName = masterClassName;
        }

        public string SqlName { get; }

        public TableTier Tier { get; }

        /// <summary>CamelCase class name (for a part: the part's own name, e.g. <c>Unit</c> for <c>__analysis__unit</c>).</summary>
        public string ClassName { get; }

        /// <summary>For parts: the master's SQL name (<c>__analysis</c>).</summary>
        public string? MasterSqlName { get; }

        public TableTier? MasterTier { get; }

        /// <summary>For parts: the master's class name (<c>Analysis</c>).</summary>
        public string? MasterClassName { get; }
    }

    /// <summary>Table naming rules shared by the generator and the runtime.</summary>
    internal static class TableNaming
    {
        /// <summary>MySQL's identifier limit; longer table names are rejected at declare time.</summary>
        public const int MaxTableNameLength = 64;

        private const string Base = "[a-z][a-z0-9]*(?:_[a-z][a-z0-9]*)*";

        private static readonly Regex CamelCase = new("^[A-Z][A-Za-z0-9]*$", RegexOptions.CultureInvariant);

        private static readonly Regex PartName = new(
            "^(?<master>(?<lookup>#" + Base + ")|(?<computed>__" + Base + ")|(?<imported>_" + Base + ")|(?<manual>" + Base + "))__(?<part>" + Base + ")$",
            RegexOptions.CultureInvariant);

        private static readonly Regex ComputedName = new("^__" + Base + "$", RegexOptions.CultureInvariant);
        private static readonly Regex ImportedName = new("^_" + Base + "$", RegexOptions.CultureInvariant);
        private static readonly Regex LookupName = new("^#" + Base + "$", RegexOptions.CultureInvariant);
        private static readonly Regex ManualName = new("^" + Base + "$", RegexOptions.CultureInvariant);

        /// <summary>The SQL prefix of a non-part tier: Manual <c>""</c>, Lookup <c>#</c>, Imported <c>_</c>, Computed <c>__</c>.</summary>
        public static string TierPrefix(TableTier tier)
        {
            switch (tier)
            {
                case TableTier.Lookup: return "#";
                case TableTier.Imported: return "_";
                case TableTier.Computed: return "__";
                case TableTier.Part: throw new ArgumentException("Part tables take their master's name as prefix.", nameof(tier));
                default: return "";
            }
        }

        /// <summary>
        /// Checks a class name: underscores are removed (with a warning, as Python does), then the name must match
        /// <c>^[A-Z][A-Za-z0-9]*$</c>. Returns the normalized name, or null with <paramref name="error"/> set.
        /// </summary>
        public static string? ValidateClassName(string className, out string? error, out string? warning)
        {
            error = null;
            warning = null;
            var normalized = className.Replace("_", "");
            if (normalized.Length != className.Length)
            {
                warning = "Class name `" + className + "` contains underscores; they are removed: `" + normalized + "`.";
            }

            if (!CamelCase.IsMatch(normalized))
            {
                error = "Table class name `" + className + "` is invalid. Class names must be in CamelCase, starting with a capital letter.";
                return null;
            }

            return normalized;
        }

        /// <summary>
        /// Python's <c>from_camel_case</c>: every upper-case letter becomes lower case, with <c>_</c> before it unless it
        /// is the first character; digits do not split (<c>Table2B → table2_b</c>, <c>HTTPServer → h_t_t_p_server</c>).
        /// Underscores in the input are dropped first. The input must be a valid class name.
        /// </summary>
        public static string ToSnakeCase(string className)
        {
            var sb = new StringBuilder(className.Length + 8);
            var first = true;
            foreach (var c in className)
            {
                if (c == '_')
                {
                    continue;
                }

                if (c >= 'A' && c <= 'Z')
                {
                    if (!first)
                    {
                        sb.Append('_');
                    }

                    sb.Append((char)(c + 32));
                }
                else
                {
                    sb.Append(c);
                }

                first = false;
            }

            return sb.ToString();
        }

        /// <summary>
        /// Python's <c>to_camel_case</c>: drops separators and capitalizes the letter after each (<c>computed_x → ComputedX</c>,
        /// <c>h_t_t_p_server → HTTPServer</c>). Prefixes such as <c>#</c>/<c>__</c> are dropped too.
        /// </summary>
        public static string ToCamelCase(string snake)
        {
            var sb = new StringBuilder(snake.Length);
            var upper = true;
            foreach (var c in snake)
            {
                var isLetter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                var isWord = isLetter || (c >= '0' && c <= '9');
                if (!isWord || c == '_')
                {
                    upper = true;
                    continue;
                }

                if (upper && isLetter)
                {
                    sb.Append(char.ToUpperInvariant(c));
                    upper = false;
                }
                else
                {
                    sb.Append(c);
                    upper = false;
                }
            }

            return sb.ToString();
        }

        /// <summary>
        /// The SQL table name for a class: tier prefix + snake case name; for <see cref="TableTier.Part"/> the master's
        /// SQL name + <c>__</c> + snake case name. Fails on an invalid class name or a name longer than 64 characters
        /// (<c>Table name `...` exceeds the max length of 64</c>).
        /// </summary>
        public static bool TryGetTableName(string className, TableTier tier, string? masterTableName, out string tableName, out string? error)
        {
            tableName = "";
            var normalized = ValidateClassName(className, out error, out _);
            if (normalized == null)
            {
                return false;
            }

            if (tier == TableTier.Part)
            {
                if (string.IsNullOrEmpty(masterTableName))
                {
                    error = "Part table `" + className + "` needs its master's table name.";
                    return false;
                }

                tableName = masterTableName + "__" + ToSnakeCase(normalized);
            }
            else
            {
                tableName = TierPrefix(tier) + ToSnakeCase(normalized);
            }

            error = CheckLength(tableName);
            return error == null;
        }

        /// <summary>The §2.10 length check; null when the name fits.</summary>
        public static string? CheckLength(string tableName) =>
            tableName.Length > MaxTableNameLength
                ? "Table name `" + tableName + "` exceeds the max length of " + MaxTableNameLength.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : null;

        /// <summary>
        /// Recognizes the tier of a SQL table name (Python's <c>tier_regexp</c>, full match) and the CamelCase class name.
        /// False for names DataJoint did not make (and for internal tables starting with <c>~</c>).
        /// </summary>
        public static bool TryParseTableName(string sqlName, out ParsedTableName? parsed)
        {
            parsed = null;
            var m = PartName.Match(sqlName);
            if (m.Success)
            {
                var master = m.Groups["master"].Value;
                var masterTier = m.Groups["lookup"].Success ? TableTier.Lookup
                    : m.Groups["computed"].Success ? TableTier.Computed
                    : m.Groups["imported"].Success ? TableTier.Imported
                    : TableTier.Manual;
                parsed = new ParsedTableName(sqlName, TableTier.Part, ToCamelCase(m.Groups["part"].Value), master, masterTier, ToCamelCase(master));
                return true;
            }

            TableTier tier;
            if (ComputedName.IsMatch(sqlName))
            {
                tier = TableTier.Computed;
            }
            else if (ImportedName.IsMatch(sqlName))
            {
                tier = TableTier.Imported;
            }
            else if (LookupName.IsMatch(sqlName))
            {
                tier = TableTier.Lookup;
            }
            else if (ManualName.IsMatch(sqlName))
            {
                tier = TableTier.Manual;
            }
            else
            {
                return false;
            }

            parsed = new ParsedTableName(sqlName, tier, ToCamelCase(sqlName), null, null, null);
            return true;
        }

        /// <summary>The job table of an auto-populated table: <c>"~~" + name.lstrip("_")</c> (<c>__analysis → ~~analysis</c>).</summary>
        public static string JobTableName(string targetTableName) => "~~" + targetTableName.TrimStart('_');

        /// <summary>
        /// Whether declare adds the <c>_job_*</c> metadata columns (when enabled): names starting with <c>__</c> without a
        /// further <c>__</c> (Computed, not part) or starting with <c>_</c> but not <c>__</c> (Imported — including
        /// Imported parts, a Python QUIRK kept for identical DDL).
        /// </summary>
        public static bool GetsJobMetadata(string tableName)
        {
            if (tableName.StartsWith("__", StringComparison.Ordinal))
            {
                return tableName.IndexOf("__", 2, StringComparison.Ordinal) < 0;
            }

            return tableName.StartsWith("_", StringComparison.Ordinal);
        }

        /// <summary>True for Computed or Imported (non-part) table names: auto-populated tables.</summary>
        public static bool IsAutoPopulated(string tableName) =>
            TryParseTableName(tableName, out var p) && (p!.Tier == TableTier.Computed || p.Tier == TableTier.Imported);
    }
}
