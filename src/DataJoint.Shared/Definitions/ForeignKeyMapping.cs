// How a foreign key's .proj renames map a parent's primary key onto the child's columns (§2.8). Shared by the
// runtime's DdlCompiler and the generator, so a bad rename is the same error at compile time and at run time.
using System;
using System.Collections.Generic;

namespace DataJoint.Definitions
{
    /// <summary>An error or warning found while mapping a foreign key's renames.</summary>
    internal sealed class ForeignKeyFinding
    {
        public ForeignKeyFinding(DefinitionErrorCode code, string message, DefinitionSpan span)
        {
            Code = code;
            Message = message;
            Span = span;
        }

        public DefinitionErrorCode Code { get; }

        public string Message { get; }

        public DefinitionSpan Span { get; }

        public bool IsWarning => (int)Code >= 1100 && (int)Code < 1200;
    }

    /// <summary>Parent key → child columns under <c>.proj(new='old', ...)</c>.</summary>
    internal static class ForeignKeyMapping
    {
        /// <summary>
        /// The child column names, in the parent's key order, for a foreign key whose parent key is
        /// <paramref name="parentKey"/>; null after an error (added to <paramref name="findings"/>, as are warnings for
        /// renames of attributes outside the parent's key, which are ignored).
        /// </summary>
        public static string[]? ChildColumns(
            string reference, DefinitionSpan referenceSpan, string tableName, IReadOnlyList<string> parentKey,
            IReadOnlyList<ProjectionRename> renames, List<ForeignKeyFinding> findings)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            var newNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in renames)
            {
                if (map.ContainsKey(r.OldName) || !newNames.Add(r.NewName))
                {
                    findings.Add(new ForeignKeyFinding(DefinitionErrorCode.InvalidRename,
                        "Attribute `" + r.OldName + "` is renamed more than once or onto a name used twice in \"" + reference + "\"", r.NewNameSpan));
                    return null;
                }

                if (IndexOf(parentKey, r.OldName) < 0)
                {
                    findings.Add(new ForeignKeyFinding(DefinitionErrorCode.RenameIgnoredWarning,
                        "Attribute `" + r.OldName + "` is not in the primary key of " + tableName + "; renaming it does not affect the foreign key.",
                        r.OldNameSpan));
                    continue;
                }

                map[r.OldName] = r.NewName;
            }

            var columns = new string[parentKey.Count];
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < columns.Length; i++)
            {
                var name = map.TryGetValue(parentKey[i], out var renamed) ? renamed : parentKey[i];
                if (!seen.Add(name))
                {
                    findings.Add(new ForeignKeyFinding(DefinitionErrorCode.InvalidRename,
                        "Foreign key " + reference + " maps two parent attributes onto `" + name + "`", referenceSpan));
                    return null;
                }

                columns[i] = name;
            }

            return columns;
        }

        /// <summary>
        /// The error text for a Computed/Imported table <paramref name="tableName"/> whose primary key has attributes
        /// that do not come from a foreign key (Python's <c>allow_new_pk_fields_in_computed_tables</c> check).
        /// </summary>
        public static string NonForeignKeyPrimaryKey(string tableName, IEnumerable<string> names) =>
            NonForeignKeyPrimaryKeyRule(tableName, names) + " Set jobs.allow_new_pk_fields_in_computed_tables to allow new key attributes.";

        /// <summary>
        /// The compile-time text of the same rule for a <c>[Table]</c> class the schema would create: what to write in the
        /// class instead (a run-time setting cannot change a build error).
        /// </summary>
        public static string NonForeignKeyPrimaryKeyInClass(string tableName, IEnumerable<string> names) =>
            NonForeignKeyPrimaryKeyRule(tableName, names) +
            " Reference a parent that has them (-> Parent) or move them below ---; a class for an existing table that has them" +
            " names it: [Table(Name = \"" + tableName + "\")].";

        private static string NonForeignKeyPrimaryKeyRule(string tableName, IEnumerable<string> names) =>
            "Auto-populated table `" + tableName + "` has non-FK primary key attribute(s): " + string.Join(", ", names) +
            ". Computed and Imported tables must derive all primary key attributes from foreign key references.";

        /// <summary>The error text for a foreign key whose parent cannot be found.</summary>
        public static string Unresolved(string reference) => "Foreign key reference " + reference + " could not be resolved";

        private static int IndexOf(IReadOnlyList<string> list, string value)
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] == value)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
