// Immutable model produced by DefinitionParser. Shared with the netstandard2.0 generator: explicit usings,
// no ranges, no Span-only APIs, everything internal. See DefinitionParser.cs for the API overview.
using System;
using System.Collections.Generic;

namespace DataJoint.Definitions
{
    /// <summary>A range of characters in the definition text (decoded string coordinates).</summary>
    internal readonly struct DefinitionSpan : IEquatable<DefinitionSpan>
    {
        public DefinitionSpan(int start, int length)
        {
            Start = start;
            Length = length;
        }

        /// <summary>Offset of the first character (0-based) in the definition text.</summary>
        public int Start { get; }

        /// <summary>Number of characters; 0 for errors that concern the table as a whole.</summary>
        public int Length { get; }

        public int End => Start + Length;

        public static DefinitionSpan None => default;

        public bool Equals(DefinitionSpan other) => Start == other.Start && Length == other.Length;

        public override bool Equals(object? obj) => obj is DefinitionSpan other && Equals(other);

        public override int GetHashCode() => unchecked((Start * 397) ^ Length);

        public override string ToString() => "[" + Start + ".." + End + ")";
    }

    /// <summary>
    /// Stable error/warning codes. The numeric value is the analyzer diagnostic number (<c>DJ</c> + value):
    /// 1xxx definition syntax/declaration, 2xxx codec resolution, 11xx warnings.
    /// </summary>
    internal enum DefinitionErrorCode
    {
        /// <summary><c>Unsupported attribute type &lt;t&gt;</c> (span: the type text).</summary>
        UnsupportedType = 1001,
        /// <summary><c>Declaration error in position &lt;pos&gt; in line:\n  &lt;line&gt;\n&lt;msg&gt;</c> (span: the offending token).</summary>
        AttributeSyntax = 1002,
        /// <summary>Attribute name starts with an underscore (span: the name).</summary>
        LeadingUnderscore = 1003,
        /// <summary><c>Primary key attributes cannot be nullable in line "&lt;line&gt;"</c> (span: the default <c>null</c>).</summary>
        NullablePrimaryKey = 1004,
        /// <summary><c>The default value for blob attributes can only be NULL in:\n&lt;line&gt;</c> (span: the default).</summary>
        BlobDefault = 1005,
        /// <summary><c>An attribute comment must not start with a colon in comment "&lt;c&gt;"</c> (span: the comment).</summary>
        AttributeCommentColon = 1006,
        /// <summary><c>Table comment must not start with a colon ":"</c> (span: the table comment).</summary>
        TableCommentColon = 1007,
        /// <summary><c>Unknown core type: &lt;T&gt;</c> — a core type not written in lower case, or <c>char (3)</c>, <c>jsonb</c> (span: the type).</summary>
        UnknownCoreType = 1008,
        /// <summary>The same attribute name is declared twice (span: the second name).</summary>
        DuplicateAttribute = 1009,
        /// <summary><c>Parsing error in line "&lt;line&gt;". &lt;err&gt;.</c> — malformed foreign key line.</summary>
        ForeignKeySyntax = 1010,
        /// <summary><c>Invalid foreign key option "&lt;OPT&gt;"</c> (span: the option).</summary>
        InvalidForeignKeyOption = 1011,
        /// <summary><c>Primary dependencies cannot be nullable in line "&lt;line&gt;"</c> (span: the option).</summary>
        NullablePrimaryDependency = 1012,
        /// <summary><c>Dependency "&lt;r&gt;" is not supported (yet). Use a base table or its projection.</c> (span: the reference).</summary>
        UnsupportedDependency = 1013,
        /// <summary><c>Foreign key reference &lt;r&gt; could not be resolved</c> (span: the referenced name).</summary>
        UnresolvedReference = 1014,
        /// <summary><c>Table definition syntax error in line "&lt;line&gt;"</c> — malformed index line.</summary>
        IndexSyntax = 1015,
        /// <summary><c>Table name `&lt;n&gt;` exceeds the max length of 64</c> (no span).</summary>
        TableNameTooLong = 1016,
        /// <summary>Class name is not CamelCase (naming; no span in the definition).</summary>
        InvalidClassName = 1017,
        /// <summary>Computed/Imported table with a primary-key attribute that does not come from a foreign key.</summary>
        NonForeignKeyPrimaryKey = 1018,
        /// <summary><c>Blob or JSON attributes are not allowed in the primary key</c> (span: the type).</summary>
        BlobOrJsonInPrimaryKey = 1019,
        /// <summary>A projection renames an attribute onto a name the parent key does not provide, or twice.</summary>
        InvalidRename = 1020,
        /// <summary>Codec resolution failed; the message is the codec resolver's text (span: the codec spec).</summary>
        CodecError = 2001,

        /// <summary>Warning: <c>Native type '&lt;t&gt;' is used in attribute '&lt;name&gt;'. ...</c> (span: the type).</summary>
        NativeTypeWarning = 1101,
        /// <summary>Warning: class name contains underscores; they are removed.</summary>
        ClassNameUnderscoreWarning = 1102,
        /// <summary>Warning: the parent attribute has no <c>~lineage</c> entry; the fallback lineage is used.</summary>
        MissingLineageWarning = 1103,
        /// <summary>Warning: a <c>.proj</c> rename names an attribute that is not in the parent's primary key.</summary>
        RenameIgnoredWarning = 1104,
    }

    /// <summary>An error or warning with its exact location in the definition text. Errors are data, never thrown.</summary>
    internal sealed class DefinitionError
    {
        public DefinitionError(DefinitionErrorCode code, string message, DefinitionSpan span, int line = -1, int column = -1)
        {
            Code = code;
            Message = message;
            Span = span;
            Line = line;
            Column = column;
        }

        public DefinitionErrorCode Code { get; }

        /// <summary>Analyzer id, e.g. <c>DJ1001</c>.</summary>
        public string Id => "DJ" + ((int)Code).ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>The message text (Python's text where DataJoint Python has one).</summary>
        public string Message { get; }

        public DefinitionSpan Span { get; }

        public int Start => Span.Start;

        public int Length => Span.Length;

        /// <summary>False for table-level errors (e.g. table name too long) that point at no text.</summary>
        public bool HasLocation => Span.Length > 0;

        /// <summary>0-based line of <see cref="Start"/> in the definition text, -1 when unknown.</summary>
        public int Line { get; }

        /// <summary>0-based column of <see cref="Start"/> within its line, -1 when unknown.</summary>
        public int Column { get; }

        public bool IsWarning => (int)Code >= 1100 && (int)Code < 1200;

        public override string ToString() => Id + " " + Span + ": " + Message;
    }

    internal enum DefinitionLineKind
    {
        Attribute,
        ForeignKey,
        Index,
        Divider,
    }

    /// <summary>Base of every classified definition line (comment lines and blank lines are not kept).</summary>
    internal abstract class DefinitionLine
    {
        protected DefinitionLine(string text, DefinitionSpan span, bool inPrimaryKey)
        {
            Text = text;
            Span = span;
            InPrimaryKey = inPrimaryKey;
        }

        public abstract DefinitionLineKind Kind { get; }

        /// <summary>The trimmed line as written (used verbatim in Python's error messages).</summary>
        public string Text { get; }

        /// <summary>Span of the trimmed line.</summary>
        public DefinitionSpan Span { get; }

        /// <summary>True above the <c>---</c> divider.</summary>
        public bool InPrimaryKey { get; }
    }

    internal sealed class DividerLine : DefinitionLine
    {
        public DividerLine(string text, DefinitionSpan span) : base(text, span, false) { }

        public override DefinitionLineKind Kind => DefinitionLineKind.Divider;
    }

    /// <summary>How a default was written (§2.3).</summary>
    internal enum DefaultKind
    {
        /// <summary>No default: <c>NOT NULL</c>.</summary>
        None,
        /// <summary><c>null</c> (any case): nullable, <c>DEFAULT NULL</c>.</summary>
        Null,
        /// <summary>Text before <c>(</c> is CURRENT_TIMESTAMP or NULL: <c>NOT NULL DEFAULT &lt;as written&gt;</c>.</summary>
        SqlConstant,
        /// <summary><c>"text"</c>: emitted as <c>'text'</c> with <c>'</c> doubled.</summary>
        DoubleQuoted,
        /// <summary><c>'text'</c>: emitted as written.</summary>
        SingleQuoted,
        /// <summary>Anything else (<c>0.5</c>, <c>mouse</c>): wrapped in single quotes.</summary>
        Unquoted,
    }

    internal enum TypeCategory
    {
        /// <summary>A portable DataJoint core type (§1.1); recorded as <c>:type:</c> in the column comment.</summary>
        Core,
        /// <summary>A native MySQL type passed through (§1.2); warning, no comment marker.</summary>
        Native,
        /// <summary>A codec reference <c>&lt;name&gt;</c>, <c>&lt;name@&gt;</c>, <c>&lt;name@store&gt;</c> (§1.3).</summary>
        Codec,
    }

    /// <summary>The core types in Python's regex order (§1.1).</summary>
    internal enum CoreType
    {
        Float32,
        Float64,
        Int64,
        Int32,
        Int16,
        Int8,
        Bool,
        Uuid,
        Json,
        Bytes,
        Date,
        Datetime,
        Char,
        Varchar,
        Enum,
        Decimal,
    }

    /// <summary>The native categories of §1.2.</summary>
    internal enum NativeType
    {
        Integer,
        Numeric,
        Float,
        String,
        Temporal,
        Blob,
        Text,
    }

    /// <summary>An attribute line: <c>name [= default] : type [# comment]</c>.</summary>
    internal sealed class AttributeDefinition : DefinitionLine
    {
        public AttributeDefinition(
            string text, DefinitionSpan span, bool inPrimaryKey,
            string name, DefinitionSpan nameSpan,
            string? defaultText, DefinitionSpan defaultSpan, DefaultKind defaultKind,
            string type, DefinitionSpan typeSpan, TypeClassification typeInfo,
            string comment, DefinitionSpan commentSpan)
            : base(text, span, inPrimaryKey)
        {
            Name = name;
            NameSpan = nameSpan;
            DefaultText = defaultText;
            DefaultSpan = defaultSpan;
            DefaultKind = defaultKind;
            Type = type;
            TypeSpan = typeSpan;
            TypeInfo = typeInfo;
            Comment = comment;
            CommentSpan = commentSpan;
        }

        public override DefinitionLineKind Kind => DefinitionLineKind.Attribute;

        public string Name { get; }

        public DefinitionSpan NameSpan { get; }

        /// <summary>The default as written (trimmed), or null when there is none.</summary>
        public string? DefaultText { get; }

        public DefinitionSpan DefaultSpan { get; }

        public DefaultKind DefaultKind { get; }

        /// <summary>True when the default is <c>null</c>.</summary>
        public bool IsNullable => DefaultKind == DefaultKind.Null;

        /// <summary>The type exactly as written, trimmed (this text goes into the <c>:type:</c> comment marker).</summary>
        public string Type { get; }

        public DefinitionSpan TypeSpan { get; }

        public TypeClassification TypeInfo { get; }

        public TypeCategory Category => TypeInfo.Category;

        /// <summary>The user comment (without the marker), trimmed; empty when absent.</summary>
        public string Comment { get; }

        public DefinitionSpan CommentSpan { get; }
    }

    /// <summary>One <c>[option]</c> of a foreign key.</summary>
    internal sealed class ForeignKeyOption
    {
        public ForeignKeyOption(string text, DefinitionSpan span)
        {
            Text = text;
            Span = span;
        }

        public string Text { get; }

        public DefinitionSpan Span { get; }
    }

    /// <summary>A <c>new_name='old_name'</c> pair of <c>.proj(...)</c>.</summary>
    internal sealed class ProjectionRename
    {
        public ProjectionRename(string newName, DefinitionSpan newNameSpan, string oldName, DefinitionSpan oldNameSpan)
        {
            NewName = newName;
            NewNameSpan = newNameSpan;
            OldName = oldName;
            OldNameSpan = oldNameSpan;
        }

        /// <summary>The attribute name in this (child) table.</summary>
        public string NewName { get; }

        public DefinitionSpan NewNameSpan { get; }

        /// <summary>The attribute name in the referenced (parent) table.</summary>
        public string OldName { get; }

        public DefinitionSpan OldNameSpan { get; }
    }

    /// <summary>A foreign key line: <c>-> [options] Reference[.proj(new='old', ...)] [# comment]</c>.</summary>
    internal sealed class ForeignKeyDefinition : DefinitionLine
    {
        public ForeignKeyDefinition(
            string text, DefinitionSpan span, bool inPrimaryKey,
            IReadOnlyList<ForeignKeyOption> options, bool isNullable, bool isUnique,
            string reference, DefinitionSpan referenceSpan,
            string tableName, DefinitionSpan tableNameSpan,
            IReadOnlyList<ProjectionRename> renames, string comment)
            : base(text, span, inPrimaryKey)
        {
            Options = options;
            IsNullable = isNullable;
            IsUnique = isUnique;
            Reference = reference;
            ReferenceSpan = referenceSpan;
            TableName = tableName;
            TableNameSpan = tableNameSpan;
            Renames = renames;
            Comment = comment;
        }

        public override DefinitionLineKind Kind => DefinitionLineKind.ForeignKey;

        public IReadOnlyList<ForeignKeyOption> Options { get; }

        public bool IsNullable { get; }

        public bool IsUnique { get; }

        /// <summary>The whole reference as written, e.g. <c>User.proj(owner_id='user_id')</c>.</summary>
        public string Reference { get; }

        public DefinitionSpan ReferenceSpan { get; }

        /// <summary>The referenced name without the projection: <c>Subject</c>, <c>Master.Part</c>, <c>module.Table</c>, <c>master</c>.</summary>
        public string TableName { get; }

        public DefinitionSpan TableNameSpan { get; }

        /// <summary>Renames from <c>.proj(new='old', ...)</c>, in written order (empty when there is no projection).</summary>
        public IReadOnlyList<ProjectionRename> Renames { get; }

        /// <summary>Text after <c>#</c>, trimmed (not stored by DataJoint).</summary>
        public string Comment { get; }
    }

    /// <summary>One argument of <c>index(...)</c>.</summary>
    internal sealed class IndexAttribute
    {
        public IndexAttribute(string text, DefinitionSpan span, string sql)
        {
            Text = text;
            Span = span;
            Sql = sql;
        }

        /// <summary>The argument as written (trimmed): an attribute name or <c>attr.json.path[:type]</c>.</summary>
        public string Text { get; }

        public DefinitionSpan Span { get; }

        /// <summary>The argument's SQL: <c>`a`</c>, or <c>(json_value(`a`, _utf8mb4'$.p' returning t))</c>.</summary>
        public string Sql { get; }
    }

    /// <summary>An index line: <c>[unique] index(a, b)</c>.</summary>
    internal sealed class IndexDefinition : DefinitionLine
    {
        public IndexDefinition(string text, DefinitionSpan span, bool inPrimaryKey, bool isUnique, IReadOnlyList<IndexAttribute> attributes)
            : base(text, span, inPrimaryKey)
        {
            IsUnique = isUnique;
            Attributes = attributes;
        }

        public override DefinitionLineKind Kind => DefinitionLineKind.Index;

        public bool IsUnique { get; }

        public IReadOnlyList<IndexAttribute> Attributes { get; }
    }

    /// <summary>The parsed definition: table comment, classified lines, errors and warnings.</summary>
    internal sealed class TableDefinition
    {
        public TableDefinition(
            string text, string comment, DefinitionSpan commentSpan, IReadOnlyList<DefinitionLine> lines,
            IReadOnlyList<DefinitionError> errors, IReadOnlyList<DefinitionError> warnings)
        {
            Text = text;
            Comment = comment;
            CommentSpan = commentSpan;
            Lines = lines;
            Errors = errors;
            Warnings = warnings;
        }

        /// <summary>The definition text exactly as given to the parser (spans index into it).</summary>
        public string Text { get; }

        /// <summary>The table comment (first line starting with <c>#</c>), trimmed; empty when absent.</summary>
        public string Comment { get; }

        public DefinitionSpan CommentSpan { get; }

        /// <summary>Attribute, foreign key, index and divider lines in written order. Lines with errors are left out.</summary>
        public IReadOnlyList<DefinitionLine> Lines { get; }

        public IReadOnlyList<DefinitionError> Errors { get; }

        /// <summary>Non-fatal findings (native types).</summary>
        public IReadOnlyList<DefinitionError> Warnings { get; }

        public bool HasErrors => Errors.Count > 0;

        public IEnumerable<AttributeDefinition> Attributes
        {
            get
            {
                foreach (var line in Lines)
                {
                    if (line is AttributeDefinition a)
                    {
                        yield return a;
                    }
                }
            }
        }

        public IEnumerable<ForeignKeyDefinition> ForeignKeys
        {
            get
            {
                foreach (var line in Lines)
                {
                    if (line is ForeignKeyDefinition f)
                    {
                        yield return f;
                    }
                }
            }
        }

        public IEnumerable<IndexDefinition> Indexes
        {
            get
            {
                foreach (var line in Lines)
                {
                    if (line is IndexDefinition i)
                    {
                        yield return i;
                    }
                }
            }
        }
    }
}
