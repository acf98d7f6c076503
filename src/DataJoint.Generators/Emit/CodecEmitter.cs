using System.Globalization;
using System.Linq;
using System.Text;
using DataJoint.Generators.Model;

namespace DataJoint.Generators.Emit
{
    /// <summary>Writes the per-codec file and the per-assembly registry file (deterministic, invariant, ordinal order).</summary>
    internal static class CodecEmitter
    {
        private const string GeneratedCode = "[global::System.CodeDom.Compiler.GeneratedCode(\"DataJoint.Generators\", \"0.1.0\")]";

        public static string EmitCodec(CodecModel m)
        {
            var w = new SourceWriter();
            w.OpenScopes("#nullable enable annotations", m.Namespace, m.ContainingTypes);
            w.Line("partial class " + m.ClassName);
            w.Open();
            w.Line("private static readonly global::DataJoint.CodecDescriptor __dataJointDescriptor = new global::DataJoint.CodecDescriptor(");
            w.Line("    " + Lit(m.Name) + ", typeof(" + m.FullyQualifiedType + "), typeof(" + m.ValueType + "), typeof(" + m.StoredType + "),");
            w.Line("    " + Lit(m.InTable) + ", " + Lit(m.InStore) + ", " + Lit(m.InTableError) + ", " + Lit(m.InStoreError) + ");");
            w.Line();
            w.Line("/// <inheritdoc/>");
            w.Line(GeneratedCode);
            w.Line("protected override global::DataJoint.CodecDescriptor CodecClassMustBePartial_AndItsProjectMustReferenceTheDataJointSourceGenerator() => __dataJointDescriptor;");
            if (m.Mapper is { } mapper)
            {
                w.Line();
                w.Line("private static readonly __DataJointRecordMapper __dataJointMapper = new __DataJointRecordMapper();");
                w.Line();
                w.Line("/// <inheritdoc/>");
                w.Line(GeneratedCode);
                w.Line("protected override global::DataJoint.Metadata.BlobRecordMapper? StoredRecordMapper => __dataJointMapper;");
                w.Line();
                EmitMapper(w, mapper);
            }
            w.Close();
            w.CloseScopes();
            return w.ToString();
        }

        private static void EmitMapper(SourceWriter w, RecordMapperModel m)
        {
            w.Line("/// <summary>Maps " + m.RecordType.Replace("global::", string.Empty).Replace("<", "{").Replace(">", "}") + " to and from a blob dict (no reflection).</summary>");
            w.Line(GeneratedCode);
            w.Line("private sealed class __DataJointRecordMapper : global::DataJoint.Metadata.BlobRecordMapper<" + m.RecordType + ">");
            w.Open();
            w.Line("public override global::System.Collections.Generic.IReadOnlyDictionary<string, object?> ToDictionary(" + m.RecordType + " record)");
            w.Open();
            w.Line("return new global::System.Collections.Generic.Dictionary<string, object?>(" + m.Properties.Count.ToString(CultureInfo.InvariantCulture) + ")");
            w.Open();
            foreach (var p in m.Properties)
            {
                w.Line("[" + Lit(p.Key) + "] = record." + p.Name + ",");
            }
            w.Indent--;
            w.Line("};");
            w.Close();
            w.Line();
            w.Line("public override " + m.RecordType + " FromDictionary(global::System.Collections.Generic.IReadOnlyDictionary<string, object?> dictionary)");
            w.Open();
            var args = m.ConstructorParameters.Select(name =>
            {
                var p = m.Properties.First(x => x.Name == name);
                return "Field<" + p.Type + ">(dictionary, " + Lit(p.Key) + ")";
            });
            var init = m.Properties.Where(p => p.InInitializer).ToList();
            if (init.Count == 0)
            {
                w.Line("return new " + m.RecordType + "(" + string.Join(", ", args) + ");");
            }
            else
            {
                w.Line("return new " + m.RecordType + "(" + string.Join(", ", args) + ")");
                w.Open();
                foreach (var p in init)
                {
                    w.Line(p.Name + " = Field<" + p.Type + ">(dictionary, " + Lit(p.Key) + "),");
                }
                w.Indent--;
                w.Line("};");
            }
            w.Close();
            w.Close();
        }

        public static string EmitRegistry(RegistryModel model)
        {
            var w = new SourceWriter();
            w.Header("#nullable enable annotations");
            foreach (var e in model.Local)
            {
                var sb = new StringBuilder();
                sb.Append("[assembly: global::DataJoint.Metadata.CodecManifestAttribute(").Append(Lit(e.Name))
                    .Append(", typeof(").Append(e.FullyQualifiedType).Append("), typeof(").Append(e.ValueType)
                    .Append("), typeof(").Append(e.StoredType).Append(")");
                if (e.InTable != null) sb.Append(", InTable = ").Append(Lit(e.InTable));
                if (e.InStore != null) sb.Append(", InStore = ").Append(Lit(e.InStore));
                if (e.InTableError != null) sb.Append(", InTableError = ").Append(Lit(e.InTableError));
                if (e.InStoreError != null) sb.Append(", InStoreError = ").Append(Lit(e.InStoreError));
                sb.Append(")]");
                w.Line(sb.ToString());
            }
            w.Line();
            w.Line("namespace DataJoint.Generated");
            w.Open();
            w.Line("/// <summary>Registers this assembly's codecs and loads referenced plugin codecs when the module loads.</summary>");
            w.Line(GeneratedCode);
            w.Line("internal static class DataJointCodecRegistry");
            w.Open();
            w.Line("/// <summary>Codec names declared in this assembly, sorted.</summary>");
            w.Line("public static readonly string[] LocalCodecNames = new string[] { " + string.Join(", ", model.Local.Select(e => Lit(e.Name))) + " };");
            w.Line();
            w.Line("[global::System.Runtime.CompilerServices.ModuleInitializer]");
            w.Line("internal static void Register()");
            w.Open();
            foreach (var e in model.Local)
            {
                if (e.CanRegister) w.Line("global::DataJoint.Codecs.Register(new " + e.FullyQualifiedType + "());");
            }
            var seenAssemblies = new System.Collections.Generic.HashSet<string>(System.StringComparer.Ordinal);
            foreach (var r in model.Referenced)
            {
                if (r.AccessibleCodecType != null && seenAssemblies.Add(r.Assembly))
                {
                    w.Line("global::DataJoint.Codecs.EnsureRegistered(typeof(" + r.AccessibleCodecType + ")); // plugin codecs of " + r.Assembly);
                }
            }
            w.Close();
            w.Close();
            w.Close();
            return w.ToString();
        }

        internal static string Lit(string? s)
        {
            if (s == null) return "null";
            var sb = new StringBuilder(s.Length + 2);
            sb.Append('"');
            foreach (var c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 32 || c > 126) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else sb.Append(c);
                        break;
                }
            }
            sb.Append('"');
            return sb.ToString();
        }
    }
}
