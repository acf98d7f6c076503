using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using DataJoint.Generators.Model;

namespace DataJoint.Generators.Tables
{
    /// <summary>
    /// Resolves a table's attributes: its own lines plus the primary keys of the parents its foreign keys reference
    /// (found by class name among the compilation's <c>[Table]</c> classes, recursively, with <c>.proj</c> renames).
    /// A table with a parent that cannot be found (e.g. a table class of a referenced assembly) gets no typed API.
    /// </summary>
    internal static class TableResolver
    {
        public static ResolvedTableModel? Resolve(
            TableClassModel table, EquatableArray<TableClassModel> all, EquatableArray<CodecValueType> codecs, CancellationToken ct)
        {
            var codecMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var c in codecs) codecMap[c.Name] = c.ValueType;
            var attrs = Attributes(table, all, codecMap, new HashSet<string>(StringComparer.Ordinal), ct);
            if (attrs == null) return null;

            var used = new HashSet<string>(StringComparer.Ordinal) { "Row", "Key", table.ClassName };
            var resolved = new List<ResolvedAttribute>(attrs.Count);
            foreach (var a in attrs)
            {
                var name = PropertyName(a.SqlName);
                if (Reserved.Contains(name) || used.Contains(name)) name += "_";
                var suffix = 2;
                var baseName = name;
                while (!used.Add(name)) name = baseName + suffix++;
                resolved.Add(a with { PropertyName = name });
            }
            var hint = (table.Namespace.Length > 0 ? table.Namespace + "." : string.Empty) + table.DottedName + ".DataJointTable.g.cs";
            return new ResolvedTableModel(hint, table.Namespace, table.ContainingTypes, table.ClassName,
                new EquatableArray<ResolvedAttribute>(resolved));
        }

        /// <summary>Attributes in heading order (property names not assigned yet), or null when a parent is unresolved.</summary>
        private static List<ResolvedAttribute>? Attributes(
            TableClassModel table, EquatableArray<TableClassModel> all, Dictionary<string, string> codecs, HashSet<string> visiting, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            if (!visiting.Add(table.FullDottedName)) return null; // cycle
            try
            {
                var result = new List<ResolvedAttribute>();
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var line in table.Lines)
                {
                    if (!line.IsForeignKey)
                    {
                        var type = line.ClrType ?? (line.CodecName != null && codecs.TryGetValue(line.CodecName, out var v) ? v : "object");
                        if (names.Add(line.Name)) result.Add(new ResolvedAttribute(line.Name, string.Empty, type, line.Nullable, line.InPrimaryKey));
                        continue;
                    }
                    var parent = Find(table, line.Name, all);
                    if (parent == null) return null;
                    var parentAttrs = Attributes(parent, all, codecs, visiting, ct);
                    if (parentAttrs == null) return null;
                    var renames = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var r in line.Renames)
                    {
                        var eq = r.IndexOf('=');
                        renames[r.Substring(eq + 1)] = r.Substring(0, eq);
                    }
                    foreach (var p in parentAttrs)
                    {
                        if (!p.InPrimaryKey) continue;
                        var name = renames.TryGetValue(p.SqlName, out var n) ? n : p.SqlName;
                        if (names.Add(name)) result.Add(new ResolvedAttribute(name, string.Empty, p.Type, line.Nullable, line.InPrimaryKey));
                    }
                }
                return result;
            }
            finally
            {
                visiting.Remove(table.FullDottedName);
            }
        }

        /// <summary>The referenced table: <c>master</c>, then an exact dotted name, then a suffix match (same namespace first).</summary>
        private static TableClassModel? Find(TableClassModel from, string reference, EquatableArray<TableClassModel> all)
        {
            if (reference == "master")
            {
                return from.MasterDottedName == null ? null : all.FirstOrDefault(t => t.FullDottedName == from.MasterDottedName);
            }
            TableClassModel? best = null;
            foreach (var t in all)
            {
                if (t.FullDottedName == reference) return t;
                var matches = t.DottedName == reference || t.FullDottedName.EndsWith("." + reference, StringComparison.Ordinal);
                if (!matches) continue;
                if (best == null || (t.Namespace == from.Namespace && best.Namespace != from.Namespace)) best = t;
            }
            return best;
        }

        private static readonly HashSet<string> Reserved = new HashSet<string>(StringComparer.Ordinal)
        {
            "EqualityContract", "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Deconstruct",
            "PrintMembers", "Finalize", "ToKey", "Clone",
        };

        /// <summary><c>neuron_id</c> → <c>NeuronId</c>; <c>x2_y</c> → <c>X2Y</c>.</summary>
        internal static string PropertyName(string sqlName)
        {
            var sb = new StringBuilder(sqlName.Length);
            var upper = true;
            foreach (var c in sqlName)
            {
                if (c == '_')
                {
                    upper = true;
                    continue;
                }
                sb.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            if (sb.Length == 0 || char.IsDigit(sb[0])) sb.Insert(0, 'A');
            return sb.ToString();
        }
    }
}
