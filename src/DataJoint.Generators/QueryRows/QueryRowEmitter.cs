using System.Linq;
using DataJoint.Generators.Emit;

namespace DataJoint.Generators.QueryRows
{
    /// <summary>Emits a <c>[QueryRow]</c> type's <c>IQueryRow&lt;T&gt;</c>: its attribute names and its two mappers.</summary>
    internal static class QueryRowEmitter
    {
        public static string Emit(QueryRowModel m)
        {
            var mapper = m.Mapper!;
            var w = new SourceWriter();
            void Line(string text = "") => w.Line(text);
            void Open() => w.Open();
            void Close(string end = "}") => w.Close(end);

            var self = m.TypeName;
            var iface = "global::DataJoint.Metadata.IQueryRow<" + self + ">";
            var props = mapper.Properties.ToList();

            w.OpenScopes("#nullable enable", m.Namespace, m.ContainingTypes);
            Line("partial " + m.Declaration + " " + self + " : " + iface);
            Open();
            Line("private static readonly string[] __djAttributes = new string[] { " + string.Join(", ", props.Select(p => CodecEmitter.Lit(p.Key))) + " };");
            Line("private static readonly string[] __djProperties = new string[] { " + string.Join(", ", props.Select(p => CodecEmitter.Lit(p.Name))) + " };");
            Line("private static readonly global::System.Type[] __djTypes = new global::System.Type[] { " +
                 string.Join(", ", m.TypeOfs.Select(t => "typeof(" + t + ")")) + " };");
            Line();
            Line("static global::System.Collections.Generic.IReadOnlyList<string> " + iface + ".Attributes => __djAttributes;");
            Line();
            Line("static global::System.Collections.Generic.IReadOnlyList<string> " + iface + ".Properties => __djProperties;");
            Line();
            Line("static global::System.Collections.Generic.IReadOnlyList<global::System.Type> " + iface + ".PropertyTypes => __djTypes;");
            Line();
            EmitRead("global::DataJoint.Row row", p => "global::DataJoint.Metadata.QueryRowValues." + (Nullable(p.Type) ? "ReadOrNull<" : "Read<") + p.Type + ">(row, " + CodecEmitter.Lit(p.Key) + ")");
            Line();
            EmitRead("global::DataJoint.Metadata.ColumnSource source", p => "source." + (Nullable(p.Type) ? "ReadOrNull<" : "Read<") + p.Type +
                ">(" + props.IndexOf(p) + ")");
            Close();
            w.CloseScopes();
            return w.ToString();

            void EmitRead(string parameter, System.Func<Model.RecordPropertyModel, string> value)
            {
                var ctor = mapper.ConstructorParameters.Select(n => props.First(p => p.Name == n)).ToList();
                var init = props.Where(p => !mapper.ConstructorParameters.Contains(p.Name)).ToList();
                Line("static " + self + " " + iface + ".Read(" + parameter + ") => new " + self + "(" + string.Join(", ", ctor.Select(value)) + ")" +
                     (init.Count == 0 ? ";" : ""));
                if (init.Count == 0) return;
                Open();
                foreach (var p in init) Line(p.Name + " = " + value(p) + ",");
                Close("};");
            }
        }

        private static bool Nullable(string type) => type.EndsWith("?", System.StringComparison.Ordinal);
    }
}
