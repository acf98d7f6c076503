using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using DataJoint.Definitions;
using DataJoint.Generators.Diagnostics;
using DataJoint.Generators.Model;
using DataJoint.Shared.Codecs;

namespace DataJoint.Generators.Tables
{
    /// <summary>
    /// Resolves a table: its own attribute lines plus the primary keys of the parents its foreign keys reference (the
    /// class the reference names in C# — this compilation's or a referenced assembly's — or, as DataJoint Python writes
    /// it, <c>schema.Table</c> for a class bound to that schema), with <c>.proj</c> renames. Reports what declare would
    /// reject: unresolved references, bad renames, codec chains, auto-populated keys of their own, names too long.
    /// </summary>
    internal static class TableResolver
    {
        public static TableResult Resolve(
            ExtractedTable extracted, EquatableArray<TableClassModel> all, EquatableArray<CodecUse> codecs, CancellationToken ct)
        {
            var table = extracted.Table;
            var diagnostics = new List<DiagnosticInfo>(extracted.Diagnostics);
            if (extracted.Definition == null || table.Tier == null)
            {
                return new TableResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));
            }

            var codecMap = new Dictionary<string, CodecUse>(StringComparer.Ordinal);
            foreach (var c in codecs) codecMap[c.Name] = c;
            var context = new Context(all, codecMap, ct);
            var locator = extracted.Definition;
            void Report(string id, int start, int length, string[] arguments) =>
                diagnostics.Add(new DiagnosticInfo(id, locator.Map(start, length), arguments));

            var attrs = context.Attributes(table, Report, out var parents);
            CheckCodecs(table, new Resolver(codecMap), locator, diagnostics);

            var sqlName = table.SqlName ?? SqlName(table, context);
            if (table.SqlName == null && sqlName != null && TableNaming.CheckLength(sqlName) is { } tooLong)
            {
                diagnostics.Add(new DiagnosticInfo("DJ1016", extracted.ClassLocation, tooLong));
            }
            // A class naming its table ([Table(Name = ...)]) maps a table that exists (scaffolded from a legacy pipeline, or
            // one made with jobs.allow_new_pk_fields_in_computed_tables): Python checks this rule only when it creates a table.
            if ((table.Tier == "Computed" || table.Tier == "Imported") && sqlName != null && table.SqlName == null)
            {
                var own = table.Lines.Where(l => !l.IsForeignKey && l.InPrimaryKey).ToList();
                if (own.Count > 0)
                {
                    Report("DJ1018", own[0].NameStart, own[0].NameLength,
                        new[] { ForeignKeyMapping.NonForeignKeyPrimaryKeyInClass(sqlName, own.Select(l => l.Name)) });
                }
            }

            if (!table.CanGenerate) return new TableResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));

            // Key attributes first (the heading's order: a definition's key lines precede ---), so the key is a prefix of the row.
            var ordered = attrs.Where(a => a.InPrimaryKey).Concat(attrs.Where(a => !a.InPrimaryKey)).ToList();
            var names = PropertyNaming.For(table.ClassName, ordered.Select(a => a.SqlName).ToList());
            var resolved = ordered.Select((a, i) => a with { PropertyName = names[i] }).ToList();
            var hint = table.FullDottedName + ".DataJointTable.g.cs";
            var model = new ResolvedTableModel(hint, table.Namespace, table.ContainingTypes, table.ClassName, table.Tier,
                table.MasterFullName != null ? "global::" + table.MasterFullName : null, table.SqlName, table.Schema,
                new EquatableArray<ParentReference>(parents), new EquatableArray<ResolvedAttribute>(resolved), table.HasContents);
            return new TableResult(model, new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        /// <summary>The SQL name declare will give the table (null when the class name is invalid or a master is missing).</summary>
        private static string? SqlName(TableClassModel table, Context context)
        {
            string? masterSql = null;
            var tier = TableTier.Manual;
            switch (table.Tier)
            {
                case "Lookup": tier = TableTier.Lookup; break;
                case "Imported": tier = TableTier.Imported; break;
                case "Computed": tier = TableTier.Computed; break;
                case "Part":
                    tier = TableTier.Part;
                    var master = context.ByFullName(table.MasterFullName);
                    if (master == null) return null;
                    masterSql = master.SqlName ?? SqlName(master, context);
                    if (masterSql == null) return null;
                    break;
            }
            // The name is set even when it is too long (the caller reports that); empty for an invalid class name.
            TableNaming.TryGetTableName(table.ClassName, tier, masterSql, out var name, out _);
            return name.Length > 0 ? name : null;
        }

        /// <summary>Codec types in the definition: unknown codecs, cycles, storage modes (type checks are the analyzer's, at the codec).</summary>
        private static void CheckCodecs(TableClassModel table, Resolver resolver, DefinitionLocator locator, List<DiagnosticInfo> diagnostics)
        {
            foreach (var line in table.Lines)
            {
                if (line.CodecType == null) continue;
                var resolution = ChainResolver.Resolve(line.CodecType, resolver, checkTypes: false);
                if (resolution.Success) continue;
                var d = ChainDiagnostics.Describe(resolution, line.CodecType.Trim());
                if (d != null) diagnostics.Add(new DiagnosticInfo(d.Value.Descriptor.Id, locator.Map(line.TypeStart, line.TypeLength), d.Value.Arguments));
            }
        }

        private sealed class Context
        {
            private readonly EquatableArray<TableClassModel> all;
            private readonly Dictionary<string, CodecUse> codecs;
            private readonly CancellationToken ct;
            private readonly HashSet<string> visiting = new HashSet<string>(StringComparer.Ordinal);

            public Context(EquatableArray<TableClassModel> all, Dictionary<string, CodecUse> codecs, CancellationToken ct)
            {
                this.all = all;
                this.codecs = codecs;
                this.ct = ct;
            }

            public TableClassModel? ByFullName(string? fullName) =>
                fullName == null ? null : all.FirstOrDefault(t => t.FullDottedName == fullName);

            /// <summary>
            /// Attributes in heading order (property names not assigned yet). <paramref name="report"/> is null for
            /// parents (their own resolution reports their problems); a parent that cannot be resolved contributes nothing.
            /// </summary>
            public List<ResolvedAttribute> Attributes(TableClassModel table, Action<string, int, int, string[]>? report, out List<ParentReference> parents)
            {
                ct.ThrowIfCancellationRequested();
                parents = new List<ParentReference>();
                var result = new List<ResolvedAttribute>();
                if (!visiting.Add(table.FullDottedName)) return result; // a cycle: declare reports it at run time
                try
                {
                    var names = new HashSet<string>(StringComparer.Ordinal);
                    var fromKeys = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var line in table.Lines)
                    {
                        if (!line.IsForeignKey)
                        {
                            if (!names.Add(line.Name))
                            {
                                if (fromKeys.Contains(line.Name))
                                {
                                    report?.Invoke("DJ1009", line.NameStart, line.NameLength,
                                        new[] { "Attribute `" + line.Name + "` is declared more than once: a foreign key above already adds it" });
                                }
                                continue;
                            }
                            var type = line.ClrType ?? (line.CodecName != null && codecs.TryGetValue(line.CodecName, out var v) ? v.ValueType : "object");
                            result.Add(new ResolvedAttribute(line.Name, string.Empty, type, line.Nullable, line.InPrimaryKey));
                            continue;
                        }

                        var key = ParentKey(table, line, report, out var parentType);
                        if (key == null) continue;
                        if (parentType != null && !parents.Any(p => p.Reference == line.Name)) parents.Add(new ParentReference(line.Name, parentType));
                        var findings = new List<ForeignKeyFinding>();
                        var renames = line.Renames.Select(r => new ProjectionRename(
                            r.NewName, new DefinitionSpan(r.NewStart, r.NewLength), r.OldName, new DefinitionSpan(r.OldStart, r.OldLength))).ToList();
                        var columns = ForeignKeyMapping.ChildColumns(line.Reference, new DefinitionSpan(line.TypeStart, line.TypeLength), line.Name,
                            key.Select(k => k.SqlName).ToList(), renames, findings);
                        foreach (var f in findings) report?.Invoke("DJ" + ((int)f.Code).ToString(System.Globalization.CultureInfo.InvariantCulture), f.Span.Start, f.Span.Length, new[] { f.Message });
                        if (columns == null) continue;
                        for (var i = 0; i < columns.Length; i++)
                        {
                            fromKeys.Add(columns[i]);
                            if (names.Add(columns[i])) result.Add(new ResolvedAttribute(columns[i], string.Empty, key[i].Type, line.Nullable, line.InPrimaryKey));
                        }
                    }
                    return result;
                }
                finally
                {
                    visiting.Remove(table.FullDottedName);
                }
            }

            /// <summary>The parent's primary key (null when unresolved, reported), and the parent's class for the metadata.</summary>
            private List<ResolvedAttribute>? ParentKey(TableClassModel table, TableLineModel line, Action<string, int, int, string[]>? report, out string? parentType)
            {
                parentType = null;
                if (line.Lookup == ReferenceLookup.ExternalTable && line.ExternalParent != null)
                {
                    parentType = line.ExternalParent.FullyQualifiedType;
                    return line.ExternalParent.Key.ToList();
                }
                if (line.Lookup == ReferenceLookup.NotATable)
                {
                    report?.Invoke(DiagnosticDescriptors.ReferenceNotATable.Id, line.NameStart, line.NameLength,
                        new[] { line.Name, line.ParentFullName ?? line.Name });
                    return null;
                }
                var parent = line.Name == "master" ? ByFullName(table.MasterFullName)
                    : line.Lookup == ReferenceLookup.Table ? ByFullName(line.ParentFullName)
                    : FindByDataJointName(table, line.Name);
                if (parent == null)
                {
                    report?.Invoke("DJ1014", line.NameStart, line.NameLength, new[] { ForeignKeyMapping.Unresolved(line.Reference) });
                    return null;
                }
                parentType = parent.FullyQualifiedType;
                var parentAttrs = Attributes(parent, null, out _);
                return parentAttrs.Where(a => a.InPrimaryKey).ToList();
            }

            /// <summary>The database a class is bound to: its own <c>[Table(Schema = ...)]</c>, else (for a part) its master's.</summary>
            private string? BoundSchema(TableClassModel table)
            {
                for (var t = table; t != null; t = ByFullName(t.MasterFullName))
                {
                    if (t.Schema != null) return t.Schema;
                    if (t.MasterFullName == null) break;
                }
                return null;
            }

            /// <summary>
            /// A reference C# name lookup did not find: <c>schema.Table</c> as DataJoint Python writes it (a class bound
            /// to that schema by <c>[Table(Schema = ...)]</c>), then a class of that dotted name in any namespace
            /// (the referencing class's namespace first).
            /// </summary>
            private TableClassModel? FindByDataJointName(TableClassModel from, string reference)
            {
                var dot = reference.IndexOf('.');
                if (dot > 0)
                {
                    var schema = reference.Substring(0, dot);
                    var rest = reference.Substring(dot + 1);
                    var bound = all.Where(t => BoundSchema(t) == schema && t.DottedName == rest).ToList();
                    if (bound.Count == 1) return bound[0];
                }
                TableClassModel? best = null;
                foreach (var t in all)
                {
                    var matches = t.DottedName == reference || t.FullDottedName.EndsWith("." + reference, StringComparison.Ordinal);
                    if (!matches) continue;
                    if (best == null || (t.Namespace == from.Namespace && best.Namespace != from.Namespace)) best = t;
                }
                return best;
            }
        }

        /// <summary>Chain resolution over the codecs the generator sees (names and dtypes; types are not compared here).</summary>
        private sealed class Resolver : ICodecTypeResolver
        {
            private readonly Dictionary<string, CodecUse> codecs;

            public Resolver(Dictionary<string, CodecUse> codecs) => this.codecs = codecs;

            public CodecTypeInfo? FindCodec(string name) =>
                codecs.TryGetValue(name, out var c)
                    ? new CodecTypeInfo(c.Name, c.InTable, c.InStore, c.InTableError, c.InStoreError, c.ValueType, "object", c.Name)
                    : null;

            public IEnumerable<string> CodecNames => codecs.Keys;

            public bool IsAssignable(string fromType, string toType) => true;

            public bool CanStore(string storedType, string family) => true;
        }
    }
}
