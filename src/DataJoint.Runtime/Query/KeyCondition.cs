using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DataJoint;

/// <summary>
/// One key of a dictionary or object restriction: an attribute name, or (DataJoint Python 2.x) a JSON path into a
/// json attribute, <c>attr.path</c> or <c>attr.path:type</c>, e.g. <c>meta.subject.age:unsigned</c> or
/// <c>meta.tags[0]</c>.
/// </summary>
/// <param name="Attribute">The attribute the key names (the text before the first <c>.</c>).</param>
/// <param name="Path">The JSON path after the attribute (without <c>$.</c>), or null for a plain attribute key.</param>
/// <param name="ReturnType">The SQL type the JSON value is compared as (<c>:type</c>), or null.</param>
internal readonly partial record struct RestrictionKey(string Attribute, string? Path, string? ReturnType)
{
    // DataJoint Python's JSON_PATTERN (condition.py), anchored at the true end of the text.
    [GeneratedRegex(@"^(?<attr>\w+)(\.(?<path>[\w.*\[\]]+))?(:(?<type>[\w(,\s)]+))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    // Stricter than Python's [\w(,\s)]+ (which would let `int) OR (1` through into the SQL text): one or two type
    // words with at most one parenthesised length/precision, e.g. `unsigned`, `decimal(10,2)`, `char(20)`, `signed integer`.
    [GeneratedRegex(@"^[A-Za-z]+(\s*\(\s*\d+\s*(,\s*\d+\s*)?\))?(\s+[A-Za-z]+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex TypePattern();

    /// <summary>The attribute a key refers to, as Python decides which keys a restriction shares with a heading.</summary>
    public static string AttributeOf(string key)
    {
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? key : key[..dot];
    }

    /// <summary>Parses a key whose attribute is in the heading; <paramref name="error"/> says why a key is invalid.</summary>
    public static bool TryParse(string key, out RestrictionKey parsed, out string? error)
    {
        parsed = default;
        error = null;
        var m = KeyPattern().Match(key);
        if (!m.Success)
        {
            error = "it is neither an attribute name nor a JSON path of the form attr.path or attr.path:type " +
                    "(path characters: letters, digits, _, ., *, [ and ])";
            return false;
        }
        var path = m.Groups["path"].Success ? m.Groups["path"].Value : null;
        var type = m.Groups["type"].Success ? m.Groups["type"].Value.Trim() : null;
        if (path is null && type is not null)
        {
            error = "a :type applies to a JSON path only (attr.path:type)";
            return false;
        }
        if (type is not null && !TypePattern().IsMatch(type))
        {
            error = $"`{type}` is not an SQL type name such as signed, unsigned, double, decimal(10,2), char(20), date or datetime";
            return false;
        }
        parsed = new RestrictionKey(m.Groups["attr"].Value, path, type);
        return true;
    }
}

/// <summary>
/// Builds the SQL of a dictionary or object restriction (<c>q &amp; new { a = 1 }</c>): an AND of one comparison per key
/// whose attribute is in the heading, as DataJoint Python's <c>make_condition</c> builds it. Keys naming other
/// attributes are ignored, as in Python, but a restriction none of whose keys names an attribute of the heading is
/// refused with <see cref="RestrictionException"/> (Python would restrict nothing and select every row).
/// </summary>
internal static class KeyCondition
{
    /// <summary>The condition for <paramref name="pairs"/> on a query whose columns <paramref name="columnSql"/> resolves.</summary>
    /// <param name="pairs">The restriction's keys and values.</param>
    /// <param name="heading">The heading of the restricted query.</param>
    /// <param name="columnSql">The SQL expression of a heading attribute in the query's FROM namespace.</param>
    /// <param name="dialect">Renders parameters and JSON paths.</param>
    /// <param name="where">What is restricted, for messages (e.g. <c>`lab`.`session`</c>).</param>
    public static SqlFragment Build(IEnumerable<KeyValuePair<string, object?>> pairs, Heading heading,
        Func<string, string> columnSql, ISqlDialect dialect, string where)
    {
        var sb = new StringBuilder();
        var args = new List<object?>();
        List<string>? ignored = null;
        foreach (var (key, value) in pairs)
        {
            if (!heading.TryGet(RestrictionKey.AttributeOf(key), out var attr))
            {
                (ignored ??= []).Add(key);
                continue;
            }
            if (!RestrictionKey.TryParse(key, out var parsed, out var error))
                throw new RestrictionException($"Restriction of {where}: the key `{key}` is not valid: {error}.")
                {
                    Attribute = attr.Name,
                };
            if (sb.Length > 0) sb.Append(dialect.AndOperator);
            if (parsed.Path is null)
                AppendEquality(sb, args, attr, columnSql(attr.Name), value, dialect, where);
            else
                AppendJsonPath(sb, args, attr, key, parsed, columnSql(attr.Name), value, dialect, where);
        }
        if (sb.Length == 0)
        {
            var keys = ignored is null ? "it has no keys" : "its keys " + string.Join(", ", ignored.Select(k => "`" + k + "`"));
            throw new RestrictionException(
                $"Restriction of {where} matches no attribute: {keys}; the heading has {string.Join(", ", heading.Names)}. " +
                "Restricting by it would select every row, so DataJoint refuses it (DataJoint Python would ignore it). " +
                "Check the key names; restrict by `true` to mean every row.");
        }
        return new SqlFragment(sb.ToString(), args.ToArray());
    }

    private static void AppendEquality(StringBuilder sb, List<object?> args, HeadingAttribute attr, string column, object? value,
        ISqlDialect dialect, string where)
    {
        if (value is null or DBNull)
        {
            sb.Append(dialect.IsNull(column));
            return;
        }
        var db = ValueConverter.ToDb(attr, value, where);
        if (db is SqlDefault)
        {
            sb.Append(dialect.IsNull(column));
            return;
        }
        sb.Append(dialect.EqualsParameter(column));
        args.Add(db);
    }

    private static void AppendJsonPath(StringBuilder sb, List<object?> args, HeadingAttribute attr, string key, RestrictionKey parsed,
        string column, object? value, ISqlDialect dialect, string where)
    {
        if (attr.Kind != AttributeKind.Json)
            throw new RestrictionException(
                $"Restriction of {where}: the key `{key}` is a JSON path, but `{attr.Name}` is a {attr.Type} attribute, not json.")
            {
                Attribute = attr.Name,
            };
        var expr = dialect.JsonValue(column, parsed.Path!, parsed.ReturnType);
        if (value is null or DBNull || value is JsonElement { ValueKind: JsonValueKind.Null })
        {
            sb.Append(dialect.IsNull(expr));
            return;
        }
        sb.Append(dialect.EqualsParameter(expr));
        args.Add(JsonPathArgument(value, key, where));
    }

    /// <summary>
    /// The value a JSON path is compared with. Python splices it into the SQL text: numbers and booleans as they are,
    /// strings, dates, times and decimals as quoted text (<c>str(v)</c>), a dict as its JSON text. The same values
    /// go here as parameters.
    /// </summary>
    private static object JsonPathArgument(object value, string key, string where)
    {
        switch (value)
        {
            case string or bool or sbyte or byte or short or ushort or int or uint or long or ulong or float or double:
                return value;
            case decimal d:
                return d.ToString(CultureInfo.InvariantCulture);
            case DateTime dt:
                // Python's str(datetime): microseconds only when nonzero.
                return dt.ToString(dt.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
            case DateOnly date:
                return date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            case TimeOnly time:
                return time.ToString(time.Ticks % TimeSpan.TicksPerSecond == 0 ? "HH:mm:ss" : "HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
            case TimeSpan span:
                return span.ToString(span.Ticks % TimeSpan.TicksPerSecond == 0 ? @"hh\:mm\:ss" : @"hh\:mm\:ss\.ffffff", CultureInfo.InvariantCulture);
            case Guid g:
                return g.ToString();
            case JsonElement e:
                return e.ValueKind switch
                {
                    JsonValueKind.String => e.GetString()!,
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
                    _ => e.GetRawText(),
                };
            case JsonNode n:
                return n is JsonValue ? JsonPathArgument(JsonSerializer.SerializeToElement(n, DataJointJson.TypeInfo(typeof(JsonNode))), key, where) : n.ToJsonString();
            case IDictionary or IEnumerable when value is not byte[]:
                return DataJointJson.Serialize(value);
            default:
                throw new RestrictionException(
                    $"Restriction of {where}: the JSON path key `{key}` cannot compare a {value.GetType().Name} value " +
                    "(use a string, number, bool, date/time, decimal or a dictionary).");
        }
    }
}
