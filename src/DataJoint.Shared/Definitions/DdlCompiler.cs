// Compiles a parsed definition to the exact CREATE TABLE text DataJoint Python 2.x writes (§2.4-§2.10, §3.3),
// plus the declared columns and the ~lineage rows (§3.4). Pure: no database access; foreign key parents and
// codec chains come in through IForeignKeyResolver / IDeclareCodecTypeResolver.
using System;
using System.Collections.Generic;
using System.Text;

namespace DataJoint.Definitions
{
    /// <summary>Definition → DDL. Errors are returned in <see cref="DeclareResult.Errors"/> with spans into the definition.</summary>
    internal static class DdlCompiler
    {
        /// <summary>The hidden key column of tables with an empty primary key (§3.3).</summary>
        public const string SingletonColumnDdl = "`_singleton` tinyint NOT NULL DEFAULT TRUE COMMENT \":bool:singleton primary key\"";

        /// <summary>The job metadata columns of §3.3, in order.</summary>
        public static readonly IReadOnlyList<(string Name, string SqlType, string Ddl)> JobMetadataColumns = new[]
        {
            ("_job_start_time", "datetime(3)", "`_job_start_time` datetime(3) DEFAULT NULL"),
            ("_job_duration", "float", "`_job_duration` float DEFAULT NULL"),
            ("_job_version", "varchar(64)", "`_job_version` varchar(64) DEFAULT ''"),
        };

        /// <summary>Parses and compiles in one step.</summary>
        public static DeclareResult Compile(
            string schemaName, string tableName, string definition, IForeignKeyResolver? foreignKeys, IDeclareCodecTypeResolver? codecs,
            DeclareOptions? options = null) =>
            Compile(schemaName, tableName, DefinitionParser.Parse(definition), foreignKeys, codecs, options);

        /// <summary>
        /// Compiles a parsed definition for table <paramref name="tableName"/> (SQL name with tier prefix) in database
        /// <paramref name="schemaName"/>. Parse errors are passed through; no SQL is produced when there are errors.
        /// </summary>
        public static DeclareResult Compile(
            string schemaName, string tableName, TableDefinition definition, IForeignKeyResolver? foreignKeys, IDeclareCodecTypeResolver? codecs,
            DeclareOptions? options = null)
        {
            var c = new Compilation(schemaName, tableName, definition, foreignKeys, codecs, options ?? DeclareOptions.Default);
            return c.Run();
        }

        /// <summary>
        /// The column DDL of §2.4: <c>`name` type [default fragment | NOT NULL] [COMMENT "comment"]</c>. An empty
        /// <paramref name="defaultFragment"/> means <c>NOT NULL</c> unless <paramref name="nullable"/>. The comment is escaped.
        /// </summary>
        public static string FormatColumn(string name, string sqlType, string defaultFragment, bool nullable, string comment)
        {
            var sb = new StringBuilder();
            sb.Append('`').Append(name).Append("` ").Append(sqlType);
            if (defaultFragment.Length > 0)
            {
                sb.Append(' ').Append(defaultFragment);
            }
            else if (!nullable)
            {
                sb.Append(" NOT NULL");
            }

            if (comment.Length > 0)
            {
                sb.Append(" COMMENT \"").Append(CommentMarker.EscapeForDdl(comment)).Append('"');
            }

            return sb.ToString();
        }

        /// <summary>The default fragment of §2.3 for an attribute.</summary>
        public static string DefaultFragment(DefaultKind kind, string? text)
        {
            switch (kind)
            {
                case DefaultKind.Null:
                    return "DEFAULT NULL";
                case DefaultKind.SqlConstant:
                case DefaultKind.SingleQuoted:
                    return "NOT NULL DEFAULT " + text;
                case DefaultKind.DoubleQuoted:
                    {
                        var t = text!;
                        var inner = t.Length >= 2 && t[t.Length - 1] == '"' ? t.Substring(1, t.Length - 2) : t.Substring(1);
                        return "NOT NULL DEFAULT '" + inner.Replace("'", "''") + "'";
                    }

                case DefaultKind.Unquoted:
                    return "NOT NULL DEFAULT '" + text!.Replace("'", "''") + "'";
                default:
                    return "NOT NULL";
            }
        }

        private static string JoinQuoted(IEnumerable<string> names, string separator)
        {
            var sb = new StringBuilder();
            foreach (var n in names)
            {
                if (sb.Length > 0)
                {
                    sb.Append(separator);
                }

                sb.Append('`').Append(n).Append('`');
            }

            return sb.ToString();
        }

        private sealed class Compilation
        {
            private readonly string _schema;
            private readonly string _table;
            private readonly TableDefinition _def;
            private readonly IForeignKeyResolver? _fkResolver;
            private readonly IDeclareCodecTypeResolver? _codecs;
            private readonly DeclareOptions _options;

            private readonly List<DeclaredColumn> _columns = new();
            private readonly Dictionary<string, int> _columnIndex = new(StringComparer.Ordinal);
            private readonly List<string> _primaryKey = new();
            private readonly List<DeclaredForeignKey> _foreignKeys = new();
            private readonly List<string> _foreignKeySql = new();
            private readonly List<string> _indexSql = new();
            private readonly List<string> _stores = new();
            private readonly Dictionary<string, string> _fkLineage = new(StringComparer.Ordinal);
            private readonly List<DefinitionError> _errors = new();
            private readonly List<DefinitionError> _warnings = new();
            private readonly Dictionary<string, AttributeDefinition> _attributeLines = new(StringComparer.Ordinal);

            public Compilation(
                string schema, string table, TableDefinition def, IForeignKeyResolver? fkResolver, IDeclareCodecTypeResolver? codecs, DeclareOptions options)
            {
                _schema = schema;
                _table = table;
                _def = def;
                _fkResolver = fkResolver;
                _codecs = codecs;
                _options = options;
            }

            public DeclareResult Run()
            {
                _errors.AddRange(_def.Errors);
                _warnings.AddRange(_def.Warnings);
                var lengthError = TableNaming.CheckLength(_table);
                if (lengthError != null)
                {
                    _errors.Add(new DefinitionError(DefinitionErrorCode.TableNameTooLong, lengthError, DefinitionSpan.None));
                }

                foreach (var line in _def.Lines)
                {
                    switch (line)
                    {
                        case AttributeDefinition a:
                            CompileAttribute(a);
                            break;
                        case ForeignKeyDefinition f:
                            CompileForeignKey(f);
                            break;
                        case IndexDefinition i:
                            _indexSql.Add((i.IsUnique ? "unique " : "") + "index (" + JoinSql(i.Attributes) + ")");
                            break;
                    }
                }

                if (_primaryKey.Count == 0)
                {
                    _columns.Insert(0, new DeclaredColumn(
                        "_singleton", "tinyint", false, true, true, -1, "bool", null, null, "singleton primary key", ":bool:singleton primary key",
                        SingletonColumnDdl));
                    _primaryKey.Add("_singleton");
                }

                CheckAutoPopulatedKey();

                if (_options.AddJobMetadata && TableNaming.GetsJobMetadata(_table))
                {
                    foreach (var (name, sqlType, ddl) in JobMetadataColumns)
                    {
                        _columns.Add(new DeclaredColumn(name, sqlType, true, false, true, -1, null, null, null, "", "", ddl));
                    }
                }

                var lineage = BuildLineage();
                string? sql = null;
                if (_errors.Count == 0)
                {
                    sql = Assemble();
                }

                return new DeclareResult(
                    _schema, _table, sql, _columns.ToArray(), _primaryKey.ToArray(), _foreignKeys.ToArray(),
                    _errors.Count == 0 ? lineage : Array.Empty<LineageRow>(), _stores.ToArray(), _errors.ToArray(), _warnings.ToArray());
            }

            private string Assemble()
            {
                var items = new List<string>();
                foreach (var col in _columns)
                {
                    items.Add(col.Ddl);
                }

                items.Add("PRIMARY KEY (" + JoinQuoted(_primaryKey, ", ") + ")");
                items.AddRange(_foreignKeySql);
                items.AddRange(_indexSql);
                var sb = new StringBuilder();
                sb.Append("CREATE TABLE IF NOT EXISTS `").Append(_schema).Append("`.`").Append(_table).Append("` (\n");
                sb.Append(string.Join(",\n", items));
                sb.Append("\n) ENGINE=InnoDB");
                if (_def.Comment.Length > 0)
                {
                    sb.Append(", COMMENT \"").Append(CommentMarker.EscapeForDdl(_def.Comment)).Append('"');
                }

                return sb.ToString();
            }

            private static string JoinSql(IReadOnlyList<IndexAttribute> attributes)
            {
                var parts = new string[attributes.Count];
                for (var i = 0; i < parts.Length; i++)
                {
                    parts[i] = attributes[i].Sql;
                }

                return string.Join(",", parts);
            }

            private void Error(DefinitionErrorCode code, string message, DefinitionSpan span) =>
                _errors.Add(new DefinitionError(code, message, span, LineOf(span), ColumnOf(span)));

            private void Warning(DefinitionErrorCode code, string message, DefinitionSpan span) =>
                _warnings.Add(new DefinitionError(code, message, span, LineOf(span), ColumnOf(span)));

            private int LineOf(DefinitionSpan span)
            {
                if (span.Length == 0 && span.Start == 0)
                {
                    return -1;
                }

                var line = 0;
                for (var i = 0; i < span.Start && i < _def.Text.Length; i++)
                {
                    if (_def.Text[i] == '\n')
                    {
                        line++;
                    }
                }

                return line;
            }

            private int ColumnOf(DefinitionSpan span)
            {
                if (span.Length == 0 && span.Start == 0)
                {
                    return -1;
                }

                var start = Math.Min(span.Start, _def.Text.Length);
                var nl = start == 0 ? -1 : _def.Text.LastIndexOf('\n', start - 1);
                return start - (nl + 1);
            }

            // ------------------------------------------------------------ attributes

            private void CompileAttribute(AttributeDefinition a)
            {
                var info = a.TypeInfo;
                string sqlType;
                if (info.Category == TypeCategory.Codec)
                {
                    CodecTypeResolution resolution;
                    if (_codecs == null)
                    {
                        resolution = CodecTypeResolution.Failure(
                            DataJoint.Shared.Codecs.ChainMessages.Unknown(info.CodecName!));
                    }
                    else
                    {
                        resolution = _codecs.Resolve(a.Type);
                    }

                    if (resolution.Error != null)
                    {
                        Error(DefinitionErrorCode.CodecError, resolution.Error, a.TypeSpan);
                        return;
                    }

                    var sql = DataJointTypes.FinalTypeToSql(resolution.FinalType!);
                    if (sql == null)
                    {
                        Error(DefinitionErrorCode.CodecError, "Invalid dtype '" + resolution.FinalType + "' in codec " + a.Type + ".", a.TypeSpan);
                        return;
                    }

                    if (a.DefaultKind != DefaultKind.None && a.DefaultKind != DefaultKind.Null && DataJointTypes.IsBlobSql(sql))
                    {
                        Error(DefinitionErrorCode.BlobDefault, "The default value for blob attributes can only be NULL in:\n" + a.Text, a.DefaultSpan);
                        return;
                    }

                    if (a.InPrimaryKey && (DataJointTypes.IsBlobSql(sql) || DataJointTypes.IsJsonSql(sql)))
                    {
                        Error(DefinitionErrorCode.BlobOrJsonInPrimaryKey, "Blob or JSON attributes are not allowed in the primary key", a.TypeSpan);
                        return;
                    }

                    if (!string.IsNullOrEmpty(info.CodecStore) && !_stores.Contains(info.CodecStore!))
                    {
                        _stores.Add(info.CodecStore!);
                    }

                    sqlType = sql;
                }
                else
                {
                    sqlType = info.SqlType!;
                }

                if (_columnIndex.ContainsKey(a.Name))
                {
                    Error(
                        DefinitionErrorCode.DuplicateAttribute,
                        "Attribute `" + a.Name + "` is declared more than once, again in line \"" + a.Text + "\"",
                        a.NameSpan);
                    return;
                }

                var marked = info.Category != TypeCategory.Native;
                var stored = marked ? CommentMarker.Build(a.Type, a.Comment) : a.Comment;
                var ddl = FormatColumn(a.Name, sqlType, DefaultFragment(a.DefaultKind, a.DefaultText), a.IsNullable, stored);
                AddColumn(new DeclaredColumn(
                    a.Name, sqlType, a.IsNullable, a.InPrimaryKey, false, -1, marked ? a.Type : null, info.CodecName, info.CodecStore,
                    a.Comment, stored, ddl));
                _attributeLines[a.Name] = a;
                if (a.InPrimaryKey)
                {
                    _primaryKey.Add(a.Name);
                }
            }

            private void AddColumn(DeclaredColumn column)
            {
                _columnIndex[column.Name] = _columns.Count;
                _columns.Add(column);
            }

            // ------------------------------------------------------------ foreign keys (§2.8)

            private void CompileForeignKey(ForeignKeyDefinition f)
            {
                var parent = _fkResolver?.Resolve(f.TableName);
                if (parent == null)
                {
                    Error(DefinitionErrorCode.UnresolvedReference, ForeignKeyMapping.Unresolved(f.Reference), f.TableNameSpan);
                    return;
                }

                // .proj(new='old'): parent attribute old appears here as new.
                var parentKey = new string[parent.PrimaryKey.Count];
                for (var i = 0; i < parentKey.Length; i++)
                {
                    parentKey[i] = parent.PrimaryKey[i].Name;
                }

                var findings = new List<ForeignKeyFinding>();
                var mapped = ForeignKeyMapping.ChildColumns(f.Reference, f.ReferenceSpan, f.TableName, parentKey, f.Renames, findings);
                foreach (var finding in findings)
                {
                    if (finding.IsWarning)
                    {
                        Warning(finding.Code, finding.Message, finding.Span);
                    }
                    else
                    {
                        Error(finding.Code, finding.Message, finding.Span);
                    }
                }

                if (mapped == null)
                {
                    return;
                }

                var fkIndex = _foreignKeys.Count;
                var childColumns = new List<string>();
                var parentColumns = new List<string>();
                for (var i = 0; i < parentKey.Length; i++)
                {
                    var p = parent.PrimaryKey[i];
                    var name = mapped[i];
                    childColumns.Add(name);
                    parentColumns.Add(p.Name);
                    if (!_columnIndex.ContainsKey(name))
                    {
                        var isUuid = string.Equals(p.OriginalType, "uuid", StringComparison.OrdinalIgnoreCase);
                        var comment = (isUuid ? ":uuid:" : "") + p.Comment;
                        var ddl = FormatColumn(name, p.SqlType, "", f.IsNullable, comment);
                        AddColumn(new DeclaredColumn(
                            name, p.SqlType, f.IsNullable, f.InPrimaryKey, false, fkIndex, isUuid ? "uuid" : null, null, null, p.Comment, comment, ddl));
                        if (f.InPrimaryKey)
                        {
                            _primaryKey.Add(name);
                        }
                    }

                    if (!_fkLineage.ContainsKey(name))
                    {
                        var lineage = p.Lineage;
                        if (lineage == null)
                        {
                            lineage = parent.SchemaName + "." + parent.TableName + "." + p.Name;
                            Warning(
                                DefinitionErrorCode.MissingLineageWarning,
                                "Lineage for `" + parent.SchemaName + "`.`" + parent.TableName + "`.`" + p.Name + "` not found in ~lineage; using " + lineage,
                                f.TableNameSpan);
                        }

                        _fkLineage[name] = lineage;
                    }
                }

                var sql = "FOREIGN KEY (" + JoinQuoted(childColumns, ", ") + ") REFERENCES `" + parent.SchemaName + "`.`" + parent.TableName + "` (" +
                          JoinQuoted(parentColumns, ", ") + ") ON UPDATE CASCADE ON DELETE RESTRICT";
                _foreignKeySql.Add(sql);
                _foreignKeys.Add(new DeclaredForeignKey(f, parent, childColumns.ToArray(), parentColumns.ToArray(), sql));
                if (f.IsUnique)
                {
                    _indexSql.Add("UNIQUE INDEX (" + JoinQuoted(childColumns, ", ") + ")");
                }
            }

            // ------------------------------------------------------------ checks and lineage

            private void CheckAutoPopulatedKey()
            {
                if (_options.AllowNewPrimaryKeyFieldsInComputedTables || !TableNaming.IsAutoPopulated(_table))
                {
                    return;
                }

                var names = new List<string>();
                DefinitionSpan span = default;
                foreach (var col in _columns)
                {
                    if (col.InPrimaryKey && !col.IsHidden && !_fkLineage.ContainsKey(col.Name))
                    {
                        if (names.Count == 0 && _attributeLines.TryGetValue(col.Name, out var line))
                        {
                            span = line.NameSpan;
                        }

                        names.Add(col.Name);
                    }
                }

                if (names.Count > 0)
                {
                    Error(
                        DefinitionErrorCode.NonForeignKeyPrimaryKey,
                        ForeignKeyMapping.NonForeignKeyPrimaryKey(_table, names),
                        span);
                }
            }

            private LineageRow[] BuildLineage()
            {
                var rows = new List<LineageRow>();
                foreach (var col in _columns)
                {
                    if (col.IsHidden)
                    {
                        continue;
                    }

                    if (_fkLineage.TryGetValue(col.Name, out var lineage))
                    {
                        rows.Add(new LineageRow(_table, col.Name, lineage));
                    }
                    else if (col.InPrimaryKey)
                    {
                        rows.Add(new LineageRow(_table, col.Name, _schema + "." + _table + "." + col.Name));
                    }
                }

                return rows.ToArray();
            }
        }
    }
}
