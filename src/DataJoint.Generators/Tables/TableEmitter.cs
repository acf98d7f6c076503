using System.Collections.Generic;
using System.Linq;
using DataJoint.Generators.Emit;

namespace DataJoint.Generators.Tables
{
    /// <summary>
    /// Emits a table's one file: its <c>Row</c>/<c>Key</c> records, its static metadata and the four mappers of
    /// <c>ITypedTable</c>, and <c>TableAsync(schema)</c>. Only what is specific to the table is emitted: the attribute
    /// names, the key size and the parents go into the metadata, and the runtime's shared helpers (<c>TypedMapping</c>,
    /// <c>ColumnSource</c>) do the rest by position, so the per-table code the compiler has to bind stays small.
    /// </summary>
    internal static class TableEmitter
    {
        private const string GeneratedCode = "[global::System.CodeDom.Compiler.GeneratedCode(\"DataJoint.Generators\", \"0.1.0\")]";
        private const string Meta = "global::DataJoint.Metadata.";

        public static string Emit(ResolvedTableModel m)
        {
            var w = new SourceWriter(2048);
            void Line(string text = "") => w.Line(text);
            void Open() => w.Open();
            void Close(string end = "}") => w.Close(end);

            // The resolver orders the key first, so the key is a prefix of the row (the metadata says how long).
            var all = m.Attributes.ToList();
            var key = all.Where(a => a.InPrimaryKey).ToList();
            var self = m.ClassName;
            var iface = Meta + "ITypedTable<" + self + ", " + self + ".Row, " + self + ".Key>";

            w.OpenScopes("#nullable enable annotations", m.Namespace, m.ContainingTypes);
            Line("partial class " + self + " : " + iface);
            Open();

            Line("/// <summary>One row of <c>" + self + "</c>: every attribute of the heading, in heading order.</summary>");
            Line(GeneratedCode);
            Line("public sealed partial record Row");
            Open();
            foreach (var a in all)
            {
                Line("/// <summary><c>" + a.SqlName + "</c></summary>");
                Line("public " + Required(a) + TypeOf(a) + " " + a.PropertyName + " { get; init; }");
            }
            Line("/// <summary>The primary key of this row.</summary>");
            Line("public Key ToKey() => new Key { " + string.Concat(key.Select(a => a.PropertyName + " = " + a.PropertyName + ", ")) + "};");
            Close();
            Line();
            // The key's SQL names stay on its properties: a table in another assembly reads its parent's key from them.
            Line("/// <summary>The primary key of <c>" + self + "</c>.</summary>");
            Line(GeneratedCode);
            Line("public sealed partial record Key");
            Open();
            foreach (var a in key)
            {
                Line("/// <summary><c>" + a.SqlName + "</c></summary>");
                Line("[" + Meta + "AttributeName(" + CodecEmitter.Lit(a.SqlName) + ")] public " + Required(a) + TypeOf(a) + " " + a.PropertyName + " { get; init; }");
            }
            Close();
            Line();

            Line("static " + Meta + "TableMetadata " + Meta + "ITableClass.Metadata => __djMetadata;");
            Line("private static readonly " + Meta + "TableMetadata __djMetadata = new " + Meta + "TableMetadata(");
            w.Indent++;
            Line(CodecEmitter.Lit(self) + ", global::DataJoint.TableTier." + m.Tier + ", Definition, "
                + (m.SqlName != null ? CodecEmitter.Lit(m.SqlName) : "null") + ", " + (m.Schema != null ? CodecEmitter.Lit(m.Schema) : "null") + ", "
                + (m.MasterType != null ? Meta + "TableMetadata.Lazy<" + m.MasterType + ">()" : "null") + ",");
            if (m.Parents.Count == 0)
            {
                Line("global::System.Array.Empty<" + Meta + "TableParent>(),");
            }
            else
            {
                Line("new " + Meta + "TableParent[]");
                Line("{");
                w.Indent++;
                foreach (var p in m.Parents) Line("new " + Meta + "TableParent(" + CodecEmitter.Lit(p.Reference) + ", " + Meta + "TableMetadata.Lazy<" + p.FullyQualifiedType + ">()),");
                w.Indent--;
                Line("},");
            }
            Line("new string[] { " + string.Join(", ", all.Select(a => CodecEmitter.Lit(a.SqlName))) + " }, " + key.Count
                + (m.HasContents ? "," : ");"));
            if (m.HasContents) Line("static () => " + Meta + "TableContents.Rows<" + self + ", Row, Key>(Contents));");
            w.Indent--;
            Line();

            Line("static void " + iface + ".WriteRow(Row r, object?[] v)");
            Open();
            for (var i = 0; i < all.Count; i++) Line("v[" + i + "] = r." + all[i].PropertyName + ";");
            Close();
            Line("static void " + iface + ".WriteKey(Key k, object?[] v)");
            Open();
            for (var i = 0; i < key.Count; i++) Line("v[" + i + "] = k." + key[i].PropertyName + ";");
            Close();
            EmitRead("Row", "ReadRow", all);
            EmitRead("Key", "ReadKey", key);
            Line();

            Line("/// <summary>Declares (if needed) and opens this table in <paramref name=\"schema\"/> as a typed handle.</summary>");
            Line("public static global::System.Threading.Tasks.Task<global::DataJoint.TypedTable<" + self + ", Row, Key>> TableAsync(");
            Line("    global::DataJoint.Schema schema, global::System.Threading.CancellationToken cancellationToken = default) =>");
            Line("    global::DataJoint.TypedTable<" + self + ", Row, Key>.OpenAsync(schema, cancellationToken);");
            Close();
            w.CloseScopes();
            return w.ToString();

            // One mapper per record for both sources (a data reader's row, a fetched dynamic row): values by position.
            void EmitRead(string record, string method, List<ResolvedAttribute> attrs)
            {
                Line("static " + record + " " + iface + "." + method + "(" + Meta + "ColumnSource s) => new " + record);
                Open();
                for (var i = 0; i < attrs.Count; i++)
                    Line(attrs[i].PropertyName + " = s." + (attrs[i].Nullable ? "ReadOrNull<" : "Read<") + TypeOf(attrs[i]) + ">(" + i + "),");
                Close("};");
            }
        }

        private static string TypeOf(ResolvedAttribute a) => a.Nullable ? a.Type + "?" : a.Type;

        private static string Required(ResolvedAttribute a) => a.Nullable ? "" : "required ";
    }
}
