using System.Globalization;
using System.Text.RegularExpressions;
using DataJoint.Definitions;

namespace DataJoint;

/// <summary>
/// One column of a table as DataJoint understands it: name, SQL type, DataJoint type (from the <c>:type:</c> comment
/// marker), codec and store for codec columns, nullability, default and primary-key membership.
/// </summary>
public sealed partial record HeadingAttribute
{
    /// <summary>Column name.</summary>
    public required string Name { get; init; }
    /// <summary>SQL column type as the server reports it, lower case, integer display widths removed.</summary>
    public required string SqlType { get; init; }
    /// <summary>
    /// The DataJoint type: the marker type when the comment carries one (<c>int32</c>, <c>&lt;blob@main&gt;</c>,
    /// an unknown alias such as <c>uint32</c>), else the SQL type.
    /// </summary>
    public required string Type { get; init; }
    /// <summary>The type from the comment marker (<c>int32</c>, <c>&lt;blob@main&gt;</c>), null when the column has no marker.</summary>
    public string? OriginalType { get; init; }
    /// <summary>What values the column holds (for codec columns: the stored value kind).</summary>
    public required AttributeKind Kind { get; init; }
    /// <summary>The user comment (marker removed).</summary>
    public string Comment { get; init; } = "";
    /// <summary>True when the column accepts NULL.</summary>
    public bool IsNullable { get; init; }
    /// <summary>The column default as reported by the server (<c>null</c> when there is none).</summary>
    public string? Default { get; init; }
    /// <summary>True when the column has a default (or is nullable or auto-increment), so an insert may omit it.</summary>
    public bool HasDefault => Default is not null || IsNullable || IsAutoIncrement;
    /// <summary>True when the column is part of the primary key.</summary>
    public bool InPrimaryKey { get; init; }
    /// <summary>True for <c>auto_increment</c> columns.</summary>
    public bool IsAutoIncrement { get; init; }
    /// <summary>True for platform columns whose name starts with <c>_</c> (hidden from fetch, insert and joins).</summary>
    public bool IsHidden => Name.Length > 0 && Name[0] == '_';
    /// <summary>The codec spec, e.g. <c>&lt;blob@main&gt;</c>, or <c>null</c> for core and native columns.</summary>
    public string? Codec { get; init; }
    /// <summary>The codec name without brackets and store, e.g. <c>blob</c>.</summary>
    public string? CodecName { get; init; }
    /// <summary>The store after <c>@</c> (<c>""</c> for a bare <c>@</c>), <c>null</c> when the codec has no store.</summary>
    public string? Store { get; init; }
    /// <summary>Maximum length in characters for <c>char(n)</c>/<c>varchar(n)</c>, bytes for text/blob; else null.</summary>
    public long? MaxLength { get; init; }
    /// <summary>The allowed values of an <c>enum</c> column.</summary>
    public IReadOnlyList<string>? EnumValues { get; init; }
    /// <summary>Precision and scale of a <c>decimal(p,s)</c> column.</summary>
    public (int Precision, int Scale)? DecimalSize { get; init; }
    /// <summary>
    /// Where the attribute's values originate, <c>schema.table.attribute</c>, as the schema's <c>~lineage</c> table records
    /// it (spec §3.4): primary-key attributes and attributes inherited through foreign keys have one; other secondary
    /// attributes and computed ones have none (null). Joins and restrictions by a query compare the lineages of
    /// namesake attributes (semantic matching).
    /// </summary>
    public string? Lineage { get; init; }

    [GeneratedRegex(@"\((\d+)\)")]
    private static partial Regex LengthRegex();

    [GeneratedRegex(@"\(\s*(\d+)\s*,\s*(\d+)\s*\)")]
    private static partial Regex PrecisionRegex();

    /// <summary>
    /// Builds an attribute from what <c>SHOW FULL COLUMNS</c> reports (spec §2.7): the comment marker decides the
    /// DataJoint type, the codec and the store; unknown markers are tolerated as native types.
    /// </summary>
    internal static HeadingAttribute FromColumn(string table, string name, string sqlType, bool nullable, string? @default,
        string extra, string comment, bool inPrimaryKey)
    {
        // One marker parser and one type classifier for compile time and run time (src/DataJoint.Shared/Definitions).
        var sql = CommentMarker.NormalizeSqlType(sqlType.Trim());
        var sqlLower = sql.ToLowerInvariant();
        var marker = CommentMarker.Parse(comment);
        if (marker.LegacyError is { } legacy) throw new DataJointException($"{legacy} (table {table}, attribute `{name}`)");
        var type = marker.HasMarker ? marker.MarkerType!.Trim() : sql;
        var userComment = marker.Comment;
        var codec = marker.IsCodec ? type : null;
        var codecName = marker.CodecName;
        var store = marker.CodecStore;

        // A codec column holds what its SQL type holds, JSON for store-backed ones (MariaDB reports json as longtext);
        // which codecs a chain runs is the table's codec plan's business, not the heading's.
        var kind = marker.Core is { } core ? KindOf(core)
            : codec is not null && sqlLower.Contains("text", StringComparison.Ordinal) && store is not null ? AttributeKind.Json
            : KindOfSqlType(sqlLower);

        if (inPrimaryKey && (kind is AttributeKind.Json || (kind is AttributeKind.Bytes && sqlLower.Contains("blob", StringComparison.Ordinal))))
            throw new DataJointException($"Blob or JSON attributes are not allowed in the primary key (table {table}, attribute `{name}`)");

        long? maxLength = null;
        IReadOnlyList<string>? enumValues = null;
        (int, int)? decimalSize = null;
        if (sqlLower.StartsWith("char", StringComparison.Ordinal) || sqlLower.StartsWith("varchar", StringComparison.Ordinal)
            || sqlLower.StartsWith("binary", StringComparison.Ordinal) || sqlLower.StartsWith("varbinary", StringComparison.Ordinal))
        {
            var lm = LengthRegex().Match(sqlLower);
            if (lm.Success) maxLength = long.Parse(lm.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        else if (sqlLower.EndsWith("text", StringComparison.Ordinal) || sqlLower.EndsWith("blob", StringComparison.Ordinal))
        {
            maxLength = sqlLower switch
            {
                "tinytext" or "tinyblob" => 255,
                "text" or "blob" => 65_535,
                "mediumtext" or "mediumblob" => 16_777_215,
                _ => 4_294_967_295,
            };
        }
        else if (sqlLower.StartsWith("enum", StringComparison.Ordinal))
        {
            enumValues = ParseEnumValues(sql);
        }
        else if (sqlLower.StartsWith("decimal", StringComparison.Ordinal) || sqlLower.StartsWith("numeric", StringComparison.Ordinal))
        {
            var pm = PrecisionRegex().Match(sqlLower);
            decimalSize = pm.Success
                ? (int.Parse(pm.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(pm.Groups[2].Value, CultureInfo.InvariantCulture))
                : (10, 0);
        }

        return new HeadingAttribute
        {
            Name = name,
            SqlType = sqlLower.StartsWith("enum", StringComparison.Ordinal) ? sql : sqlLower,
            Type = type,
            OriginalType = marker.HasMarker ? type : null,
            Kind = kind,
            Comment = userComment,
            IsNullable = nullable,
            Default = @default,
            InPrimaryKey = inPrimaryKey,
            IsAutoIncrement = extra.Contains("auto_increment", StringComparison.OrdinalIgnoreCase),
            Codec = codec,
            CodecName = codecName,
            Store = store,
            MaxLength = maxLength,
            EnumValues = enumValues,
            DecimalSize = decimalSize,
        };
    }

    /// <summary>The value kind of a core type (from the shared classifier).</summary>
    private static AttributeKind KindOf(CoreType core) => core switch
    {
        CoreType.Float32 => AttributeKind.Float32,
        CoreType.Float64 => AttributeKind.Float64,
        CoreType.Int64 => AttributeKind.Int64,
        CoreType.Int32 => AttributeKind.Int32,
        CoreType.Int16 => AttributeKind.Int16,
        CoreType.Int8 => AttributeKind.Int8,
        CoreType.Bool => AttributeKind.Bool,
        CoreType.Uuid => AttributeKind.Uuid,
        CoreType.Json => AttributeKind.Json,
        CoreType.Bytes => AttributeKind.Bytes,
        CoreType.Date => AttributeKind.Date,
        CoreType.Datetime => AttributeKind.DateTime,
        CoreType.Char or CoreType.Varchar => AttributeKind.String,
        CoreType.Enum => AttributeKind.Enum,
        _ => AttributeKind.Decimal,
    };

    /// <summary>Native SQL type (lower case, widths stripped) → kind.</summary>
    internal static AttributeKind KindOfSqlType(string sql)
    {
        var unsigned = sql.Contains("unsigned", StringComparison.Ordinal);
        var word = sql;
        var cut = word.IndexOfAny(['(', ' ']);
        if (cut >= 0) word = word[..cut];
        return word switch
        {
            "tinyint" => unsigned ? AttributeKind.UInt8 : AttributeKind.Int8,
            "smallint" => unsigned ? AttributeKind.UInt16 : AttributeKind.Int16,
            "mediumint" or "int" or "integer" => unsigned ? AttributeKind.UInt32 : AttributeKind.Int32,
            "bigint" => unsigned ? AttributeKind.UInt64 : AttributeKind.Int64,
            "serial" => AttributeKind.UInt64,
            "float" => AttributeKind.Float32,
            "double" or "real" => AttributeKind.Float64,
            "decimal" or "numeric" => AttributeKind.Decimal,
            "date" => AttributeKind.Date,
            "datetime" or "timestamp" => AttributeKind.DateTime,
            "time" => AttributeKind.Time,
            "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" => AttributeKind.String,
            "enum" => AttributeKind.Enum,
            "json" => AttributeKind.Json,
            "tinyblob" or "blob" or "mediumblob" or "longblob" or "binary" or "varbinary" => AttributeKind.Bytes,
            _ => AttributeKind.Other,
        };
    }

    private static List<string> ParseEnumValues(string sql)
    {
        var values = new List<string>();
        var open = sql.IndexOf('(');
        var i = open + 1;
        while (i < sql.Length)
        {
            var q = sql.IndexOf('\'', i);
            if (q < 0) break;
            var sb = new System.Text.StringBuilder();
            var j = q + 1;
            while (j < sql.Length)
            {
                if (sql[j] == '\'' && j + 1 < sql.Length && sql[j + 1] == '\'') { sb.Append('\''); j += 2; continue; }
                if (sql[j] == '\\' && j + 1 < sql.Length) { sb.Append(sql[j + 1]); j += 2; continue; }
                if (sql[j] == '\'') break;
                sb.Append(sql[j]);
                j++;
            }
            values.Add(sb.ToString());
            i = j + 1;
        }
        return values;
    }

    /// <summary>The .NET type fetched values of this attribute have (before codec decoding).</summary>
    public Type ClrType => Kind switch
    {
        AttributeKind.Int8 => typeof(sbyte),
        AttributeKind.Int16 => typeof(short),
        AttributeKind.Int32 => typeof(int),
        AttributeKind.Int64 => typeof(long),
        AttributeKind.UInt8 => typeof(byte),
        AttributeKind.UInt16 => typeof(ushort),
        AttributeKind.UInt32 => typeof(uint),
        AttributeKind.UInt64 => typeof(ulong),
        AttributeKind.Float32 => typeof(float),
        AttributeKind.Float64 => typeof(double),
        AttributeKind.Decimal => typeof(decimal),
        AttributeKind.Bool => typeof(bool),
        AttributeKind.Uuid => typeof(Guid),
        AttributeKind.Json => typeof(System.Text.Json.JsonElement),
        AttributeKind.Bytes => typeof(byte[]),
        AttributeKind.Date => typeof(DateOnly),
        AttributeKind.DateTime => typeof(System.DateTime),
        AttributeKind.Time => typeof(TimeSpan),
        AttributeKind.String or AttributeKind.Enum => typeof(string),
        _ => typeof(object),
    };
}
