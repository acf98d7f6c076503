// ============================================================================================================
// DataJoint definition language: the ONE parser, shared by the runtime and the source generator/analyzer.
//
// API overview (all internal; namespace DataJoint.Definitions; see docs/definitions.md):
//
//   TableDefinition def = DefinitionParser.Parse(text);
//       Pure, never throws for any input. def.Lines holds AttributeDefinition / ForeignKeyDefinition /
//       IndexDefinition / DividerLine in written order, each with InPrimaryKey and spans (DefinitionSpan:
//       Start/Length in `text`, i.e. decoded-string coordinates). def.Errors / def.Warnings are
//       DefinitionError { Code (stable, DJ<code>), Message (DataJoint Python's text), Span, Line, Column }.
//       The analyzer maps Span onto the C# string literal; the runtime throws DataJointException with the text.
//
//   DataJointTypes.Classify(type, ...)      core / native / codec classification and SQL mapping (§1)
//   TableNaming.*                           CamelCase <-> SQL table names, tier prefixes (§3.1)
//   CommentMarker.Parse(comment)            reading `:type:comment` back from a column comment (§2.7)
//   DdlCompiler.Compile(request)            CREATE TABLE text, columns, lineage rows (§2.4-§2.10, §3.3, §3.4)
//   LineageSql / JobTableDdl                `~lineage` and `~~job` DDL and statements (§3.4, §3.5)
//
// Line classification follows declare.py prepare_declare (§2.1): lines are trimmed; a first line starting
// with '#' is the table comment; '#' lines are comments; '---' switches to secondary attributes; a line with
// '->' and none of " # ' before it is a foreign key; `[unique] index(...)` is an index; anything else is an
// attribute. Each erroneous line yields exactly one error (Python raises at the first problem of a line) and
// parsing continues with the next line so the analyzer can report every bad line at once.
// ============================================================================================================
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace DataJoint.Definitions
{
    /// <summary>Parses DataJoint table definitions into an immutable <see cref="TableDefinition"/>.</summary>
    internal static class DefinitionParser
    {
        private static readonly Regex IndexLinePattern =
            new(@"^(unique\s+)?index\s*\(.*\)\s*(#.*)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);

        private static readonly Regex IndexPartsPattern =
            new(@"^(?<unique>unique\s+)?index\s*\((?<args>.*?)\)\s*(#.*)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);

        private static readonly Regex IndexArgumentPattern = new(@"(?:[^,(]|\([^)]*\))+", RegexOptions.CultureInvariant);

        // condition.py translate_attribute: attr[.json.path][:type]
        private static readonly Regex IndexAttributePattern =
            new(@"^(?<attr>[a-zA-Z_]\w*)(\.(?<path>[\w.*\[\]]+))?(:(?<type>[\w(,\s)]+))?$", RegexOptions.CultureInvariant);

        // A prefix index such as name(10) is passed to MySQL verbatim, as Python does.
        private static readonly Regex PrefixIndexPattern = new(@"^[a-zA-Z_]\w*\s*\(\s*\d+\s*\)$", RegexOptions.CultureInvariant);

        private static readonly Regex OptionPattern = new(@"^[a-zA-Z]+$", RegexOptions.CultureInvariant);

        /// <summary>Parses a definition. Never throws; problems are returned as <see cref="TableDefinition.Errors"/>.</summary>
        public static TableDefinition Parse(string text)
        {
            if (text == null)
            {
                throw new ArgumentNullException(nameof(text));
            }

            var state = new State(text);
            state.Run();
            return new TableDefinition(text, state.Comment, state.CommentSpan, state.Lines.ToArray(), state.Errors.ToArray(), state.Warnings.ToArray());
        }

        private sealed class State
        {
            private readonly string _text;
            private readonly List<int> _lineStarts = new();
            private readonly HashSet<string> _names = new(StringComparer.Ordinal);

            public State(string text)
            {
                _text = text;
                _lineStarts.Add(0);
                for (var i = 0; i < text.Length; i++)
                {
                    if (text[i] == '\n')
                    {
                        _lineStarts.Add(i + 1);
                    }
                }
            }

            public string Comment { get; private set; } = "";

            public DefinitionSpan CommentSpan { get; private set; }

            public List<DefinitionLine> Lines { get; } = new();

            public List<DefinitionError> Errors { get; } = new();

            public List<DefinitionError> Warnings { get; } = new();

            public void Run()
            {
                var inKey = true;
                var first = true;
                foreach (var lineStart in _lineStarts)
                {
                    var lineEnd = _text.IndexOf('\n', lineStart);
                    if (lineEnd < 0)
                    {
                        lineEnd = _text.Length;
                    }

                    var s = lineStart;
                    var e = lineEnd;
                    while (s < e && char.IsWhiteSpace(_text[s]))
                    {
                        s++;
                    }

                    while (e > s && char.IsWhiteSpace(_text[e - 1]))
                    {
                        e--;
                    }

                    if (s == e)
                    {
                        continue;
                    }

                    var line = _text.Substring(s, e - s);
                    if (first)
                    {
                        first = false;
                        if (line[0] == '#')
                        {
                            ParseTableComment(line, s);
                            continue;
                        }
                    }

                    ParseLine(line, s, ref inKey);
                }
            }

            private void ParseTableComment(string line, int offset)
            {
                var (cs, ce) = Trim(line, 1, line.Length);
                Comment = line.Substring(cs, ce - cs);
                CommentSpan = new DefinitionSpan(offset + cs, ce - cs);
                if (Comment.Length > 0 && Comment[0] == ':')
                {
                    Error(DefinitionErrorCode.TableCommentColon, "Table comment must not start with a colon \":\"", CommentSpan);
                }
            }

            private void ParseLine(string line, int offset, ref bool inKey)
            {
                if (line[0] == '#')
                {
                    return;
                }

                // Python also accepts "___" (three underscores) as the divider.
                if (line.StartsWith("---", StringComparison.Ordinal) || line.StartsWith("___", StringComparison.Ordinal))
                {
                    inKey = false;
                    Lines.Add(new DividerLine(line, new DefinitionSpan(offset, line.Length)));
                    return;
                }

                if (IsForeignKey(line))
                {
                    ParseForeignKey(line, offset, inKey);
                }
                else if (IndexLinePattern.IsMatch(line))
                {
                    ParseIndex(line, offset, inKey);
                }
                else
                {
                    ParseAttribute(line, offset, inKey);
                }
            }

            private static bool IsForeignKey(string line)
            {
                var arrow = line.IndexOf("->", StringComparison.Ordinal);
                if (arrow < 0)
                {
                    return false;
                }

                for (var i = 0; i < arrow; i++)
                {
                    var c = line[i];
                    if (c == '"' || c == '#' || c == '\'')
                    {
                        return false;
                    }
                }

                return true;
            }

            // ---------------------------------------------------------------- attributes (§2.2, §2.3)

            private void ParseAttribute(string line, int offset, bool inKey)
            {
                var lineSpan = new DefinitionSpan(offset, line.Length);
                var n = line.Length;

                // The leading-underscore guard fires before the parser (issue #1433 in DataJoint Python).
                if (line[0] == '_')
                {
                    var ne = 1;
                    while (ne < n && IsWordChar(line[ne]))
                    {
                        ne++;
                    }

                    Error(
                        DefinitionErrorCode.LeadingUnderscore,
                        "Attribute name in line \"" + line + "\" starts with an underscore. Names with leading underscore are reserved " +
                        "for platform-managed columns (e.g. _job_start_time, _singleton). Use a name that starts with a lower-case letter.",
                        new DefinitionSpan(offset, ne));
                    return;
                }

                if (!(line[0] >= 'a' && line[0] <= 'z'))
                {
                    SyntaxError(line, offset, 0, "Expected attribute name (a lower-case letter followed by a-z, 0-9 or _)");
                    return;
                }

                var p = 1;
                while (p < n && ((line[p] >= 'a' && line[p] <= 'z') || (line[p] >= '0' && line[p] <= '9') || line[p] == '_'))
                {
                    p++;
                }

                var name = line.Substring(0, p);
                var nameSpan = new DefinitionSpan(offset, p);
                p = SkipWhitespace(line, p);

                string? defaultText = null;
                var defaultSpan = default(DefinitionSpan);
                if (p < n && line[p] == '=')
                {
                    var colon = ScanTo(line, p + 1, ':');
                    if (colon < 0)
                    {
                        SyntaxError(line, offset, n, "Expected ':'");
                        return;
                    }

                    var (ds, de) = Trim(line, p + 1, colon);
                    defaultText = line.Substring(ds, de - ds);
                    defaultSpan = de > ds ? new DefinitionSpan(offset + ds, de - ds) : new DefinitionSpan(offset + p, 1);
                    p = colon;
                }

                if (p >= n || line[p] != ':')
                {
                    SyntaxError(line, offset, p, "Expected ':'");
                    return;
                }

                p = SkipWhitespace(line, p + 1);
                if (p >= n)
                {
                    SyntaxError(line, offset, p, "Expected attribute type");
                    return;
                }

                int ts, te;
                if (line[p] == '<')
                {
                    var close = line.IndexOf('>', p + 1);
                    if (close < 0)
                    {
                        SyntaxError(line, offset, p, "Expected '>' closing the codec type");
                        return;
                    }

                    ts = p;
                    te = close + 1;
                    p = SkipWhitespace(line, te);
                    if (p < n && line[p] != '#')
                    {
                        SyntaxError(line, offset, p, "Expected '#' or end of line after the codec type");
                        return;
                    }
                }
                else if ((line[p] >= 'a' && line[p] <= 'z') || (line[p] >= 'A' && line[p] <= 'Z'))
                {
                    var hash = ScanTo(line, p, '#');
                    var end = hash < 0 ? n : hash;
                    (ts, te) = Trim(line, p, end);
                    p = end;
                }
                else
                {
                    SyntaxError(line, offset, p, "Expected attribute type");
                    return;
                }

                var type = line.Substring(ts, te - ts);
                var typeSpan = new DefinitionSpan(offset + ts, te - ts);

                var comment = "";
                var commentSpan = new DefinitionSpan(offset + n, 0);
                if (p < n)
                {
                    // Python appends '#', takes the rest of the line, then rstrip('#') and strip().
                    var ce = n;
                    while (ce > p + 1 && line[ce - 1] == '#')
                    {
                        ce--;
                    }

                    var (cs, ce2) = Trim(line, p + 1, ce);
                    comment = line.Substring(cs, ce2 - cs);
                    commentSpan = new DefinitionSpan(offset + cs, ce2 - cs);
                }

                var kind = ClassifyDefault(defaultText);
                if (kind == DefaultKind.Null && inKey)
                {
                    Error(DefinitionErrorCode.NullablePrimaryKey, "Primary key attributes cannot be nullable in line \"" + line + "\"", defaultSpan);
                    return;
                }

                if (comment.Length > 0 && comment[0] == ':')
                {
                    Error(DefinitionErrorCode.AttributeCommentColon, "An attribute comment must not start with a colon in comment \"" + comment + "\"", commentSpan);
                    return;
                }

                var info = DataJointTypes.Classify(type, out var typeErrorCode, out var typeError);
                if (info == null)
                {
                    Error(typeErrorCode, typeError!, typeSpan);
                    return;
                }

                if (info.SqlType != null)
                {
                    if (kind != DefaultKind.None && kind != DefaultKind.Null && DataJointTypes.IsBlobSql(info.SqlType))
                    {
                        Error(DefinitionErrorCode.BlobDefault, "The default value for blob attributes can only be NULL in:\n" + line, defaultSpan);
                        return;
                    }

                    if (inKey && (DataJointTypes.IsBlobSql(info.SqlType) || DataJointTypes.IsJsonSql(info.SqlType)))
                    {
                        Error(DefinitionErrorCode.BlobOrJsonInPrimaryKey, "Blob or JSON attributes are not allowed in the primary key", typeSpan);
                        return;
                    }
                }

                if (!_names.Add(name))
                {
                    Error(DefinitionErrorCode.DuplicateAttribute, "Attribute `" + name + "` is declared more than once, again in line \"" + line + "\"", nameSpan);
                    return;
                }

                if (info.Category == TypeCategory.Native)
                {
                    Warning(
                        DefinitionErrorCode.NativeTypeWarning,
                        "Native type '" + type + "' is used in attribute '" + name + "'. Consider using a core DataJoint type for better portability.",
                        typeSpan);
                }

                Lines.Add(new AttributeDefinition(
                    line, lineSpan, inKey, name, nameSpan, defaultText, defaultSpan, kind, type, typeSpan, info, comment, commentSpan));
            }

            private static DefaultKind ClassifyDefault(string? text)
            {
                if (text == null || text.Length == 0)
                {
                    return DefaultKind.None;
                }

                if (string.Equals(text, "null", StringComparison.OrdinalIgnoreCase))
                {
                    return DefaultKind.Null;
                }

                var paren = text.IndexOf('(');
                var head = (paren < 0 ? text : text.Substring(0, paren)).ToUpperInvariant();
                if (head == "CURRENT_TIMESTAMP" || head == "NULL")
                {
                    return DefaultKind.SqlConstant;
                }

                if (text[0] == '"')
                {
                    return DefaultKind.DoubleQuoted;
                }

                return text[0] == '\'' ? DefaultKind.SingleQuoted : DefaultKind.Unquoted;
            }

            // ---------------------------------------------------------------- foreign keys (§2.8)

            private void ParseForeignKey(string line, int offset, bool inKey)
            {
                var lineSpan = new DefinitionSpan(offset, line.Length);
                var n = line.Length;
                var arrow = line.IndexOf("->", StringComparison.Ordinal);
                if (arrow > 0)
                {
                    // Old rename syntax `b -> A` and any other text before the arrow.
                    var found = line.Substring(0, Math.Min(arrow, NextWhitespace(line, 0)));
                    Error(
                        DefinitionErrorCode.ForeignKeySyntax,
                        "Parsing error in line \"" + line + "\". Expected '->', found '" + found + "'  (at char 0), (line:1, col:1).",
                        new DefinitionSpan(offset, TrimEndIndex(line, 0, arrow)));
                    return;
                }

                var p = SkipWhitespace(line, 2);
                var options = new List<ForeignKeyOption>();
                bool nullable = false, unique = false;
                if (p < n && line[p] == '[')
                {
                    var close = line.IndexOf(']', p + 1);
                    if (close < 0)
                    {
                        Error(
                            DefinitionErrorCode.ForeignKeySyntax,
                            "Parsing error in line \"" + line + "\". Expected ']'  (at char " + n.ToString(CultureInfo.InvariantCulture) + ").",
                            new DefinitionSpan(offset + p, n - p));
                        return;
                    }

                    var start = p + 1;
                    while (start <= close)
                    {
                        var comma = line.IndexOf(',', start);
                        if (comma < 0 || comma > close)
                        {
                            comma = close;
                        }

                        var (os, oe) = Trim(line, start, comma);
                        var opt = line.Substring(os, oe - os);
                        var optSpan = oe > os ? new DefinitionSpan(offset + os, oe - os) : new DefinitionSpan(offset + Math.Min(os, n - 1), 1);
                        if (!OptionPattern.IsMatch(opt))
                        {
                            Error(
                                DefinitionErrorCode.ForeignKeySyntax,
                                "Parsing error in line \"" + line + "\". Expected a foreign key option (letters only), found '" + opt + "'  (at char " +
                                os.ToString(CultureInfo.InvariantCulture) + ").",
                                optSpan);
                            return;
                        }

                        var upper = opt.ToUpperInvariant();
                        if (upper != "NULLABLE" && upper != "UNIQUE")
                        {
                            Error(DefinitionErrorCode.InvalidForeignKeyOption, "Invalid foreign key option \"" + upper + "\"", optSpan);
                            return;
                        }

                        options.Add(new ForeignKeyOption(opt, optSpan));
                        nullable |= upper == "NULLABLE";
                        unique |= upper == "UNIQUE";
                        start = comma + 1;
                    }

                    if (nullable && inKey)
                    {
                        ForeignKeyOption? bad = null;
                        foreach (var o in options)
                        {
                            if (string.Equals(o.Text, "nullable", StringComparison.OrdinalIgnoreCase))
                            {
                                bad = o;
                                break;
                            }
                        }

                        Error(DefinitionErrorCode.NullablePrimaryDependency, "Primary dependencies cannot be nullable in line \"" + line + "\"", bad!.Span);
                        return;
                    }

                    p = SkipWhitespace(line, close + 1);
                }

                var hash = line.IndexOf('#', p);
                var refEnd = hash < 0 ? n : hash;
                var (rs, re) = Trim(line, p, refEnd);
                var fkComment = hash < 0 ? "" : line.Substring(hash + 1).Trim();
                if (re == rs)
                {
                    Error(
                        DefinitionErrorCode.ForeignKeySyntax,
                        "Parsing error in line \"" + line + "\". Expected a table reference after '->'.",
                        lineSpan);
                    return;
                }

                var reference = line.Substring(rs, re - rs);
                var referenceSpan = new DefinitionSpan(offset + rs, re - rs);
                if (!TryParseReference(reference, offset + rs, out var tableName, out var tableNameSpan, out var renames))
                {
                    Error(
                        DefinitionErrorCode.UnsupportedDependency,
                        "Dependency \"" + reference + "\" is not supported (yet). Use a base table or its projection.",
                        referenceSpan);
                    return;
                }

                Lines.Add(new ForeignKeyDefinition(
                    line, lineSpan, inKey, options.ToArray(), nullable, unique, reference, referenceSpan, tableName, tableNameSpan,
                    renames, fkComment));
            }

            // Reference := Ident { "." Ident } [ ".proj(" [ rename { "," rename } ] ")" ]
            // rename    := ident "=" ('old' | "old")   |   'attr' | "attr" | ident   (positional arguments keep attributes; ignored)
            private static bool TryParseReference(
                string r, int offset, out string tableName, out DefinitionSpan tableNameSpan, out IReadOnlyList<ProjectionRename> renames)
            {
                tableName = "";
                tableNameSpan = default;
                renames = Array.Empty<ProjectionRename>();
                var n = r.Length;
                var p = 0;
                var nameEnd = 0;
                var projStart = -1;
                while (true)
                {
                    if (p >= n || !IsIdentStart(r[p]))
                    {
                        return false;
                    }

                    var idStart = p;
                    while (p < n && IsWordChar(r[p]))
                    {
                        p++;
                    }

                    var ident = r.Substring(idStart, p - idStart);
                    var q = SkipWhitespace(r, p);
                    if (ident == "proj" && idStart > 0 && q < n && r[q] == '(')
                    {
                        projStart = q;
                        break;
                    }

                    nameEnd = p;
                    if (q >= n)
                    {
                        p = q;
                        break;
                    }

                    if (r[q] != '.')
                    {
                        return false;
                    }

                    p = SkipWhitespace(r, q + 1);
                }

                if (nameEnd == 0)
                {
                    return false;
                }

                tableName = r.Substring(0, nameEnd);
                if (tableName.IndexOf(' ') >= 0 || tableName.IndexOf('\t') >= 0)
                {
                    tableName = Regex.Replace(tableName, @"\s+", "");
                }

                tableNameSpan = new DefinitionSpan(offset, nameEnd);
                if (projStart < 0)
                {
                    return true;
                }

                // The projection must end the reference.
                if (r[n - 1] != ')')
                {
                    return false;
                }

                var list = new List<ProjectionRename>();
                var inner = projStart + 1;
                var innerEnd = n - 1;
                var pos = SkipWhitespace(r, inner);
                if (pos >= innerEnd)
                {
                    return true;
                }

                while (pos < innerEnd)
                {
                    pos = SkipWhitespace(r, pos);
                    if (pos >= innerEnd)
                    {
                        return false;
                    }

                    if (r[pos] == '\'' || r[pos] == '"')
                    {
                        // positional attribute: kept, irrelevant for the key
                        var close = r.IndexOf(r[pos], pos + 1);
                        if (close < 0 || close >= innerEnd)
                        {
                            return false;
                        }

                        pos = close + 1;
                    }
                    else if (IsIdentStart(r[pos]))
                    {
                        var ns = pos;
                        while (pos < innerEnd && IsWordChar(r[pos]))
                        {
                            pos++;
                        }

                        var newName = r.Substring(ns, pos - ns);
                        pos = SkipWhitespace(r, pos);
                        if (pos < innerEnd && r[pos] == '=')
                        {
                            pos = SkipWhitespace(r, pos + 1);
                            if (pos >= innerEnd || (r[pos] != '\'' && r[pos] != '"'))
                            {
                                return false;
                            }

                            var close = r.IndexOf(r[pos], pos + 1);
                            if (close < 0 || close >= innerEnd)
                            {
                                return false;
                            }

                            var (os, oe) = Trim(r, pos + 1, close);
                            var oldName = r.Substring(os, oe - os);
                            if (!IsIdentifier(oldName))
                            {
                                // A computed expression (e.g. 'a + 1') cannot be part of a foreign key reference.
                                return false;
                            }

                            list.Add(new ProjectionRename(newName, new DefinitionSpan(offset + ns, newName.Length), oldName, new DefinitionSpan(offset + os, oe - os)));
                            pos = close + 1;
                        }
                    }
                    else
                    {
                        return false;
                    }

                    pos = SkipWhitespace(r, pos);
                    if (pos < innerEnd)
                    {
                        if (r[pos] != ',')
                        {
                            return false;
                        }

                        pos++;
                    }
                }

                renames = list.ToArray();
                return true;
            }

            // ---------------------------------------------------------------- indexes (§2.9)

            private void ParseIndex(string line, int offset, bool inKey)
            {
                var lineSpan = new DefinitionSpan(offset, line.Length);
                var m = IndexPartsPattern.Match(line);
                var error = "Table definition syntax error in line \"" + line + "\"";
                if (!m.Success)
                {
                    Error(DefinitionErrorCode.IndexSyntax, error, lineSpan);
                    return;
                }

                var args = m.Groups["args"];
                var attributes = new List<IndexAttribute>();
                foreach (Match a in IndexArgumentPattern.Matches(args.Value))
                {
                    var (s, e) = Trim(a.Value, 0, a.Value.Length);
                    if (s == e)
                    {
                        continue;
                    }

                    var argText = a.Value.Substring(s, e - s);
                    var argSpan = new DefinitionSpan(offset + args.Index + a.Index + s, e - s);
                    var sql = IndexArgumentSql(argText);
                    if (sql == null)
                    {
                        Error(DefinitionErrorCode.IndexSyntax, error, argSpan);
                        return;
                    }

                    attributes.Add(new IndexAttribute(argText, argSpan, sql));
                }

                if (attributes.Count == 0)
                {
                    Error(DefinitionErrorCode.IndexSyntax, error, lineSpan);
                    return;
                }

                Lines.Add(new IndexDefinition(line, lineSpan, inKey, m.Groups["unique"].Success, attributes.ToArray()));
            }

            private static string? IndexArgumentSql(string arg)
            {
                var m = IndexAttributePattern.Match(arg);
                if (m.Success)
                {
                    var attr = m.Groups["attr"].Value;
                    if (!m.Groups["path"].Success)
                    {
                        return "`" + attr + "`";
                    }

                    var sb = new StringBuilder();
                    sb.Append("(json_value(`").Append(attr).Append("`, _utf8mb4'$.").Append(m.Groups["path"].Value).Append('\'');
                    if (m.Groups["type"].Success)
                    {
                        sb.Append(" returning ").Append(m.Groups["type"].Value);
                    }

                    sb.Append("))");
                    return sb.ToString();
                }

                return PrefixIndexPattern.IsMatch(arg) ? arg : null;
            }

            // ---------------------------------------------------------------- helpers

            private void SyntaxError(string line, int offset, int pos, string message)
            {
                DefinitionSpan span;
                if (pos >= line.Length)
                {
                    span = new DefinitionSpan(offset, line.Length);
                }
                else
                {
                    var end = NextWhitespace(line, pos);
                    span = new DefinitionSpan(offset + pos, Math.Max(1, end - pos));
                }

                Error(
                    DefinitionErrorCode.AttributeSyntax,
                    "Declaration error in position " + pos.ToString(CultureInfo.InvariantCulture) + " in line:\n  " + line + "\n" + message,
                    span);
            }

            private void Error(DefinitionErrorCode code, string message, DefinitionSpan span) =>
                Errors.Add(new DefinitionError(code, message, span, LineOf(span.Start), ColumnOf(span.Start)));

            private void Warning(DefinitionErrorCode code, string message, DefinitionSpan span) =>
                Warnings.Add(new DefinitionError(code, message, span, LineOf(span.Start), ColumnOf(span.Start)));

            private int LineOf(int offset)
            {
                var i = _lineStarts.BinarySearch(offset);
                return i >= 0 ? i : ~i - 1;
            }

            private int ColumnOf(int offset) => offset - _lineStarts[LineOf(offset)];
        }

        // Index of the first `target` at or after `start` outside quoted strings ("..." or '...'), as pyparsing's
        // SkipTo(target, ignore=quoted) finds it; -1 when absent. An unterminated quote is an ordinary character.
        internal static int ScanTo(string s, int start, char target)
        {
            var i = start;
            while (i < s.Length)
            {
                var c = s[i];
                if (c == '"' || c == '\'')
                {
                    var close = s.IndexOf(c, i + 1);
                    if (close >= 0)
                    {
                        i = close + 1;
                        continue;
                    }
                }

                if (c == target)
                {
                    return i;
                }

                i++;
            }

            return -1;
        }

        private static (int Start, int End) Trim(string s, int start, int end)
        {
            while (start < end && char.IsWhiteSpace(s[start]))
            {
                start++;
            }

            while (end > start && char.IsWhiteSpace(s[end - 1]))
            {
                end--;
            }

            return (start, end);
        }

        private static int TrimEndIndex(string s, int start, int end) => Trim(s, start, end).End - start;

        private static int SkipWhitespace(string s, int p)
        {
            while (p < s.Length && char.IsWhiteSpace(s[p]))
            {
                p++;
            }

            return p;
        }

        private static int NextWhitespace(string s, int p)
        {
            while (p < s.Length && !char.IsWhiteSpace(s[p]))
            {
                p++;
            }

            return p;
        }

        private static bool IsIdentStart(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';

        private static bool IsWordChar(char c) => IsIdentStart(c) || (c >= '0' && c <= '9');

        private static bool IsIdentifier(string s)
        {
            if (s.Length == 0 || !IsIdentStart(s[0]))
            {
                return false;
            }

            for (var i = 1; i < s.Length; i++)
            {
                if (!IsWordChar(s[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
