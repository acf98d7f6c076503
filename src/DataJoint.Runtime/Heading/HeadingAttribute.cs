using System.Globalization;
using System.Text.RegularExpressions;

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

    [GeneratedRegex(@"^:(?<type>[^:]+):(?<comment>.*)$", RegexOptions.Singleline)]
    private static partial Regex MarkerRegex();

    [GeneratedRegex(@"^(tinyint|smallint|mediumint|int|integer|bigint|float|double|real)\(\d+\)", RegexOptions.IgnoreCase)]
    private static partial Regex DisplayWidthRegex();

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
        var sql = sqlType.Trim();
        var m = DisplayWidthRegex().Match(sql);
        if (m.Success) sql = m.Groups[1].Value + sql[m.Length..];
        var sqlLower = sql.ToLowerInvariant();

        string type = sql;
        string userComment = comment;
        string? codec = null, codecName = null, store = null;
        var marker = MarkerRegex().Match(comment);
        string? coreType = null;
        if (marker.Success)
        {
            var markerType = marker.Groups["type"].Value.Trim();
            userComment = marker.Groups["comment"].Value;
            if (markerType.StartsWith("external", StringComparison.OrdinalIgnoreCase))
                throw new DataJointException(
                    $"Legacy datatype `{markerType}`. See migration guide: https://docs.datajoint.com/how-to/migrate-to-v20/ (table {table}, attribute `{name}`)");
            type = markerType;
            if (markerType.StartsWith('<'))
            {
                codec = markerType;
                var inner = markerType.Trim('<', '>').Trim();
                var at = inner.IndexOf('@');
                codecName = (at < 0 ? inner : inner[..at]).Trim();
                store = at < 0 ? null : inner[(at + 1)..].Trim();
            }
            else
            {
                coreType = markerType;
            }
        }

        var kind = coreType is not null ? KindOfCoreType(coreType) ?? KindOfSqlType(sqlLower) : KindOfSqlType(sqlLower);
        if (codec is not null)
        {
            // The stored value of a codec column: JSON for store-backed codecs (MariaDB reports json as longtext,
            // so the SQL type alone cannot tell), otherwise what the SQL type holds.
            kind = sqlLower == "json" || (sqlLower.Contains("text", StringComparison.Ordinal) && (store is not null || ChainEndsInJson(codec)))
                ? AttributeKind.Json
                : KindOfSqlType(sqlLower);
        }
        else if (sqlLower == "json")
        {
            kind = AttributeKind.Json;
        }

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
            OriginalType = marker.Success ? type : null,
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

    /// <summary>True when the codec is registered and its chain ends in <c>json</c> (unknown codecs: false).</summary>
    private static bool ChainEndsInJson(string spec)
    {
        try
        {
            return Codecs.TryGet(spec, out _) && Codecs.Resolve(spec).IsJson;
        }
        catch (DataJointException)
        {
            return false;
        }
    }

    /// <summary>Core type (as written in a marker) → kind; null for an unknown alias. Order per spec §1.1.</summary>
    internal static AttributeKind? KindOfCoreType(string type)
    {
        var t = type.Trim().ToLowerInvariant();
        if (t == "float32") return AttributeKind.Float32;
        if (t == "float64") return AttributeKind.Float64;
        if (t == "int64") return AttributeKind.Int64;
        if (t == "int32") return AttributeKind.Int32;
        if (t == "int16") return AttributeKind.Int16;
        if (t == "int8") return AttributeKind.Int8;
        if (t == "bool") return AttributeKind.Bool;
        if (t == "uuid") return AttributeKind.Uuid;
        if (t is "json" or "jsonb") return AttributeKind.Json;
        if (t == "bytes") return AttributeKind.Bytes;
        if (t == "date") return AttributeKind.Date;
        if (t.StartsWith("datetime", StringComparison.Ordinal)) return AttributeKind.DateTime;
        if (t.StartsWith("char", StringComparison.Ordinal) || t.StartsWith("varchar", StringComparison.Ordinal)) return AttributeKind.String;
        if (t.StartsWith("enum", StringComparison.Ordinal)) return AttributeKind.Enum;
        if (t.StartsWith("decimal", StringComparison.Ordinal)) return AttributeKind.Decimal;
        return null;
    }

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
