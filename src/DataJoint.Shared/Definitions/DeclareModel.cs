// Inputs and outputs of DdlCompiler (see DdlCompiler.cs). Shared with the generator.
using System;
using System.Collections.Generic;

namespace DataJoint.Definitions
{
    /// <summary>
    /// Resolves a codec spec to the final storage type at declare time (§2.6). Minimal seam owned by the definitions
    /// code; the codec registry implements it (to be unified with the codec chain resolver in Shared/Codecs).
    /// </summary>
    internal interface IDeclareCodecTypeResolver
    {
        /// <summary>
        /// <paramref name="codecSpec"/> is the type as written and trimmed: <c>&lt;name&gt;</c>, <c>&lt;name@&gt;</c> or
        /// <c>&lt;name@store&gt;</c>. Return the final dtype of the chain — a core type name (<c>bytes</c>, <c>json</c>,
        /// <c>varchar(64)</c>...) or a native MySQL type — or the error text (e.g. <c>&lt;hash&gt; requires @ (in-store
        /// storage only)</c>, <c>Codec &lt;nope&gt; is not registered. ...</c>, <c>Circular codec reference detected: &lt;a&gt;</c>).
        /// </summary>
        CodecTypeResolution Resolve(string codecSpec);
    }

    /// <summary>Result of <see cref="IDeclareCodecTypeResolver.Resolve"/>: exactly one of the two is non-null.</summary>
    internal readonly struct CodecTypeResolution
    {
        private CodecTypeResolution(string? finalType, string? error)
        {
            FinalType = finalType;
            Error = error;
        }

        public string? FinalType { get; }

        public string? Error { get; }

        public static CodecTypeResolution Success(string finalType) => new(finalType ?? throw new ArgumentNullException(nameof(finalType)), null);

        public static CodecTypeResolution Failure(string error) => new(null, error ?? throw new ArgumentNullException(nameof(error)));
    }

    /// <summary>Finds the table a foreign key refers to.</summary>
    internal interface IForeignKeyResolver
    {
        /// <summary>
        /// <paramref name="reference"/> is <see cref="ForeignKeyDefinition.TableName"/>: <c>Subject</c>, <c>Master.Part</c>,
        /// <c>module.Table</c> or <c>master</c> (in a part table). Return null when it cannot be resolved.
        /// </summary>
        ForeignKeyParent? Resolve(string reference);
    }

    /// <summary>The referenced table as far as a foreign key needs it.</summary>
    internal sealed class ForeignKeyParent
    {
        public ForeignKeyParent(string schemaName, string tableName, IReadOnlyList<ParentKeyAttribute> primaryKey)
        {
            SchemaName = schemaName;
            TableName = tableName;
            PrimaryKey = primaryKey;
        }

        /// <summary>Database name of the parent.</summary>
        public string SchemaName { get; }

        /// <summary>SQL table name of the parent (with tier prefix).</summary>
        public string TableName { get; }

        /// <summary>The parent's primary key in key order.</summary>
        public IReadOnlyList<ParentKeyAttribute> PrimaryKey { get; }
    }

    /// <summary>One primary-key attribute of a referenced table.</summary>
    internal sealed class ParentKeyAttribute
    {
        public ParentKeyAttribute(string name, string sqlType, string? originalType, string comment, string? lineage)
        {
            Name = name;
            SqlType = sqlType;
            OriginalType = originalType;
            Comment = comment;
            Lineage = lineage;
        }

        /// <summary>
        /// Builds the attribute from a column as the database reports it (<c>SHOW FULL COLUMNS</c>): the comment marker is
        /// parsed (§2.7) and an integer/float display width such as <c>int(11)</c> is stripped.
        /// </summary>
        public static ParentKeyAttribute FromStoredColumn(string name, string sqlType, string? rawComment, string? lineage)
        {
            var comment = CommentMarker.Parse(rawComment);
            return new ParentKeyAttribute(name, CommentMarker.NormalizeSqlType(sqlType), comment.MarkerType?.Trim(), comment.Comment, lineage);
        }

        public string Name { get; }

        /// <summary>The parent's SQL column type (<c>int</c>, <c>binary(16)</c>, <c>varchar(16)</c>).</summary>
        public string SqlType { get; }

        /// <summary>The type from the parent's comment marker (<c>int32</c>, <c>uuid</c>), or null when there is none.</summary>
        public string? OriginalType { get; }

        /// <summary>The parent's user comment without the marker.</summary>
        public string Comment { get; }

        /// <summary>The parent's <c>~lineage</c> entry, or null when absent (then <c>db.table.attr</c> is used, with a warning).</summary>
        public string? Lineage { get; }
    }

    /// <summary>Switches of §2.10 / §3.3 that come from DataJoint configuration.</summary>
    internal sealed class DeclareOptions
    {
        public static readonly DeclareOptions Default = new();

        /// <summary>Config <c>jobs.add_job_metadata</c> (default false): add <c>_job_start_time</c>, <c>_job_duration</c>, <c>_job_version</c>.</summary>
        public bool AddJobMetadata { get; init; }

        /// <summary>Config <c>jobs.allow_new_pk_fields_in_computed_tables</c> (default false).</summary>
        public bool AllowNewPrimaryKeyFieldsInComputedTables { get; init; }
    }

    /// <summary>A column of the declared table, in DDL order.</summary>
    internal sealed class DeclaredColumn
    {
        public DeclaredColumn(
            string name, string sqlType, bool isNullable, bool inPrimaryKey, bool isHidden, int foreignKeyIndex,
            string? originalType, string? codecName, string? codecStore, string comment, string storedComment, string ddl)
        {
            Name = name;
            SqlType = sqlType;
            IsNullable = isNullable;
            InPrimaryKey = inPrimaryKey;
            IsHidden = isHidden;
            ForeignKeyIndex = foreignKeyIndex;
            OriginalType = originalType;
            CodecName = codecName;
            CodecStore = codecStore;
            Comment = comment;
            StoredComment = storedComment;
            Ddl = ddl;
        }

        public string Name { get; }

        public string SqlType { get; }

        /// <summary>True for <c>= null</c> attributes and <c>[nullable]</c> foreign key columns.</summary>
        public bool IsNullable { get; }

        public bool InPrimaryKey { get; }

        /// <summary>Platform-managed (<c>_singleton</c>, <c>_job_*</c>).</summary>
        public bool IsHidden { get; }

        /// <summary>Index into <see cref="DeclareResult.ForeignKeys"/> of the foreign key that declared the column, or -1.</summary>
        public int ForeignKeyIndex { get; }

        public bool FromForeignKey => ForeignKeyIndex >= 0;

        /// <summary>
        /// The type a reader recovers from the stored marker (<c>int32</c>, <c>&lt;blob@main&gt;</c>, <c>uuid</c>); null for
        /// native types and for foreign-key columns without a marker (Python drops all but <c>:uuid:</c>).
        /// </summary>
        public string? OriginalType { get; }

        public string? CodecName { get; }

        public string? CodecStore { get; }

        /// <summary>The user comment.</summary>
        public string Comment { get; }

        /// <summary>The comment exactly as stored in MySQL (marker + user comment, unescaped).</summary>
        public string StoredComment { get; }

        /// <summary>The column's line in CREATE TABLE.</summary>
        public string Ddl { get; }
    }

    /// <summary>A foreign key constraint of the declared table.</summary>
    internal sealed class DeclaredForeignKey
    {
        public DeclaredForeignKey(
            ForeignKeyDefinition definition, ForeignKeyParent parent, IReadOnlyList<string> columns, IReadOnlyList<string> parentColumns, string sql)
        {
            Definition = definition;
            Parent = parent;
            Columns = columns;
            ParentColumns = parentColumns;
            Sql = sql;
        }

        public ForeignKeyDefinition Definition { get; }

        public ForeignKeyParent Parent { get; }

        /// <summary>Child column names (after <c>.proj</c> renames), in the parent's key order.</summary>
        public IReadOnlyList<string> Columns { get; }

        /// <summary>Parent column names, same order.</summary>
        public IReadOnlyList<string> ParentColumns { get; }

        /// <summary>The <c>FOREIGN KEY ...</c> clause.</summary>
        public string Sql { get; }
    }

    /// <summary>A row of the schema's <c>~lineage</c> table (§3.4).</summary>
    internal sealed class LineageRow : IEquatable<LineageRow>
    {
        public LineageRow(string tableName, string attributeName, string lineage)
        {
            TableName = tableName;
            AttributeName = attributeName;
            Lineage = lineage;
        }

        public string TableName { get; }

        public string AttributeName { get; }

        /// <summary><c>schema.table.attribute</c> of the attribute's origin.</summary>
        public string Lineage { get; }

        public bool Equals(LineageRow? other) =>
            other != null && TableName == other.TableName && AttributeName == other.AttributeName && Lineage == other.Lineage;

        public override bool Equals(object? obj) => Equals(obj as LineageRow);

        public override int GetHashCode() => unchecked((TableName.GetHashCode() * 31 + AttributeName.GetHashCode()) * 31 + Lineage.GetHashCode());

        public override string ToString() => "(" + TableName + ", " + AttributeName + ", " + Lineage + ")";
    }

    /// <summary>Everything declare produces for one table. <see cref="Sql"/> is null when <see cref="Errors"/> is not empty.</summary>
    internal sealed class DeclareResult
    {
        public DeclareResult(
            string schemaName, string tableName, string? sql, IReadOnlyList<DeclaredColumn> columns, IReadOnlyList<string> primaryKey,
            IReadOnlyList<DeclaredForeignKey> foreignKeys, IReadOnlyList<LineageRow> lineage, IReadOnlyList<string> externalStores,
            IReadOnlyList<DefinitionError> errors, IReadOnlyList<DefinitionError> warnings)
        {
            SchemaName = schemaName;
            TableName = tableName;
            Sql = sql;
            Columns = columns;
            PrimaryKey = primaryKey;
            ForeignKeys = foreignKeys;
            Lineage = lineage;
            ExternalStores = externalStores;
            Errors = errors;
            Warnings = warnings;
        }

        public string SchemaName { get; }

        public string TableName { get; }

        /// <summary>The <c>CREATE TABLE IF NOT EXISTS ...</c> statement (§2.10), or null on errors.</summary>
        public string? Sql { get; }

        public IReadOnlyList<DeclaredColumn> Columns { get; }

        public IReadOnlyList<string> PrimaryKey { get; }

        public IReadOnlyList<DeclaredForeignKey> ForeignKeys { get; }

        /// <summary>Rows to upsert into <c>`schema`.`~lineage`</c> after deleting the table's old rows (§3.4).</summary>
        public IReadOnlyList<LineageRow> Lineage { get; }

        /// <summary>Non-empty store names used by codec columns (informational, as in Python).</summary>
        public IReadOnlyList<string> ExternalStores { get; }

        public IReadOnlyList<DefinitionError> Errors { get; }

        /// <summary>Native-type and missing-lineage warnings.</summary>
        public IReadOnlyList<DefinitionError> Warnings { get; }

        public bool Success => Errors.Count == 0;
    }
}
