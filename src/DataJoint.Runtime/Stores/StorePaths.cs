using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace DataJoint.Stores;

/// <summary>
/// DataJoint's object layouts, exactly as DataJoint Python builds them:
/// hash-addressed <c>{hash_prefix}/{schema}/[{h[0:2]}/{h[2:4]}/]{hash}</c> and schema-addressed
/// <c>{schema_prefix}/[{part}={v}/]{schema}/{table}/[{pk}={v}/...]{field}_{token}[{ext}]</c>.
/// </summary>
internal static partial class StorePaths
{
    /// <summary>The alphabet of schema-addressed path tokens (URL-safe base64 letters).</summary>
    public const string TokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// <summary>Suffix of the manifest written beside a folder object.</summary>
    public const string ManifestSuffix = ".manifest.json";

    /// <summary>
    /// The store-relative POSIX form of <paramref name="path"/>: leading <c>/</c> removed; empty paths, backslashes
    /// and <c>.</c>/<c>..</c> segments are rejected (they could escape the store root).
    /// </summary>
    public static string Normalize(string path, string storeName)
    {
        ArgumentNullException.ThrowIfNull(path);
        var p = path.TrimStart('/');
        if (p.Length == 0)
            throw new DataJointException($"An empty object path was given for store '{storeName}'.");
        if (p.Contains('\\'))
            throw new DataJointException($"Object path '{path}' in store '{storeName}' contains a backslash; store paths use '/'.");
        foreach (var segment in p.Split('/'))
            if (segment is "." or "..")
                throw new DataJointException($"Object path '{path}' in store '{storeName}' contains a '{segment}' segment.");
        return p;
    }

    /// <summary>
    /// <c>{hash_prefix}/{schema}/[folds/]{hash}</c>. <paramref name="hashPrefix"/> is stripped of <c>/</c>; if empty
    /// the path starts at the schema. Rejects anything but a 26-char lowercase base32 hash.
    /// </summary>
    public static string BuildHashPath(string hash, string schema, IReadOnlyList<int>? subfolding = null, string hashPrefix = "_hash")
    {
        if (!ContentHash.IsValid(hash))
            throw new DataJointException($"Invalid content hash (expected 26-char lowercase base32): {hash}");
        if (string.IsNullOrEmpty(schema))
            throw new DataJointException($"A schema name is required to build the hash path of {hash}.");
        CheckSchemaSegment(schema);
        var sb = new StringBuilder(64);
        var prefix = (hashPrefix ?? "").Trim('/');
        if (prefix.Length > 0) sb.Append(prefix).Append('/');
        sb.Append(schema).Append('/');
        if (subfolding is not null)
        {
            var start = 0;
            foreach (var fold in subfolding)
            {
                if (start + fold > hash.Length) break;
                sb.Append(hash, start, fold).Append('/');
                start += fold;
            }
        }
        return sb.Append(hash).ToString();
    }

    /// <summary>The hash path of <paramref name="hash"/> with the layout options of <paramref name="spec"/>.</summary>
    public static string BuildHashPath(string hash, string schema, StoreSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return BuildHashPath(hash, schema, spec.Subfolding, spec.HashPrefix);
    }

    /// <summary>
    /// The schema-addressed path of one field of one row:
    /// <c>[{schema_prefix}/][{p}={v}/...]{schema}/{table}/[{k}={v}/...]{field}_{token}[{ext}]</c>.
    /// PK attributes named in the store's <c>partition_pattern</c> come first (in pattern order), the others
    /// follow the table (in PK order). <paramref name="token"/> is generated when null.
    /// </summary>
    public static string BuildObjectPath(string schema, string table, string field,
        IEnumerable<KeyValuePair<string, object?>>? primaryKey, string? ext, StoreSpec spec, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        CheckSchemaSegment(schema);
        var pk = primaryKey?.ToList() ?? [];
        var sb = new StringBuilder(128);
        var prefix = (spec.SchemaPrefix ?? "").Trim('/');
        if (prefix.Length > 0) sb.Append(prefix).Append('/');
        var partitioned = new HashSet<string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(spec.PartitionPattern))
        {
            foreach (Match m in PlaceholderRegex().Matches(spec.PartitionPattern))
            {
                var attr = m.Groups[1].Value;
                var entry = pk.FindIndex(p => p.Key == attr);
                if (entry < 0 || !partitioned.Add(attr)) continue;
                sb.Append(attr).Append('=').Append(EncodePrimaryKeyValue(pk[entry].Value)).Append('/');
            }
        }
        sb.Append(schema).Append('/').Append(table).Append('/');
        foreach (var (name, value) in pk)
        {
            if (partitioned.Contains(name)) continue;
            sb.Append(name).Append('=').Append(EncodePrimaryKeyValue(value)).Append('/');
        }
        sb.Append(field).Append('_').Append(token ?? NewToken(spec.TokenLength));
        if (!string.IsNullOrEmpty(ext))
        {
            if (ext[0] != '.') sb.Append('.');
            sb.Append(ext);
        }
        return sb.ToString();
    }

    /// <summary>A fresh random token of <paramref name="length"/> (clamped to 4..16) characters of <see cref="TokenAlphabet"/>.</summary>
    public static string NewToken(int length = 8) =>
        RandomNumberGenerator.GetString(TokenAlphabet, Math.Clamp(length, 4, 16));

    /// <summary>
    /// How a primary-key value appears in a path segment (Python <c>encode_pk_value</c>): numbers as Python's
    /// <c>str()</c>, booleans <c>True</c>/<c>False</c>, datetimes <c>2024-01-02T03-04-05</c>, dates <c>2024-01-02</c>,
    /// times ISO. Text containing <c>/\:*?"&lt;&gt;|</c> or longer than 100 characters is percent-encoded
    /// (after truncating long text to 50 characters + <c>_</c> + the first 8 hex digits of its MD5).
    /// </summary>
    public static string EncodePrimaryKeyValue(object? value)
    {
        var s = value switch
        {
            null => "None",
            bool b => b ? "True" : "False",
            DateTime dt => dt.ToString("yyyy-MM-dd'T'HH-mm-ss", CultureInfo.InvariantCulture),
            DateTimeOffset dto => dto.ToString("yyyy-MM-dd'T'HH-mm-ss", CultureInfo.InvariantCulture),
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            TimeOnly t => PythonTime(t.Hour, t.Minute, t.Second, (int)(t.Ticks % TimeSpan.TicksPerSecond / 10)),
            TimeSpan ts => PythonTime(ts.Hours + ts.Days * 24, ts.Minutes, ts.Seconds, (int)(ts.Ticks % TimeSpan.TicksPerSecond / 10)),
            double d => PythonFloat(d.ToString("R", CultureInfo.InvariantCulture)),
            float f => PythonFloat(f.ToString("R", CultureInfo.InvariantCulture)),
            Half h => PythonFloat(h.ToString(CultureInfo.InvariantCulture)),
            decimal m => m.ToString(CultureInfo.InvariantCulture),
            Guid g => g.ToString("D"),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        var runes = s.EnumerateRunes().Count();
        if (runes <= 100 && s.IndexOfAny(Unsafe) < 0) return s;
        if (runes > 100)
        {
            var md5 = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(s)));
            var head = new StringBuilder();
            var n = 0;
            foreach (var r in s.EnumerateRunes())
            {
                if (n++ == 50) break;
                head.Append(r.ToString());
            }
            s = head.Append('_').Append(md5, 0, 8).ToString();
        }
        return PercentEncode(s);
    }

    private static readonly char[] Unsafe = ['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

    /// <summary>Percent-encodes everything except <c>A-Za-z0-9_.-~</c> (Python <c>quote(s, safe="")</c>).</summary>
    internal static string PercentEncode(string s)
    {
        var sb = new StringBuilder(s.Length * 3);
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'_' or (byte)'.' or (byte)'-' or (byte)'~')
                sb.Append((char)b);
            else
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static string PythonTime(int h, int m, int s, int micro) =>
        micro == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{h:00}:{m:00}:{s:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{h:00}:{m:00}:{s:00}.{micro:000000}");

    /// <summary>
    /// Python's <c>repr(float)</c> from .NET's shortest round-trip text: fixed notation for decimal exponents
    /// -4..15 (always with a fraction, <c>1.0</c>), else <c>1e+20</c> / <c>1.5e-05</c>.
    /// </summary>
    internal static string PythonFloat(string roundTrip)
    {
        switch (roundTrip)
        {
            case "NaN": return "nan";
            case "Infinity" or "∞": return "inf";
            case "-Infinity" or "-∞": return "-inf";
        }
        var negative = roundTrip.StartsWith('-');
        var s = negative ? roundTrip[1..] : roundTrip;
        var exp = 0;
        var e = s.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exp = int.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            s = s[..e];
        }
        var point = s.IndexOf('.');
        var digits = point < 0 ? s : s.Remove(point, 1);
        var pointPos = point < 0 ? s.Length : point;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') { lead++; }
        digits = digits[lead..];
        pointPos -= lead;
        digits = digits.TrimEnd('0');
        string body;
        if (digits.Length == 0) body = "0.0";
        else
        {
            var exp10 = pointPos - 1 + exp;
            if (exp10 is >= -4 and < 16)
            {
                if (exp10 >= 0)
                {
                    var intDigits = digits.PadRight(exp10 + 1, '0');
                    var intPart = intDigits[..(exp10 + 1)];
                    var frac = intDigits.Length > exp10 + 1 ? intDigits[(exp10 + 1)..] : "0";
                    body = intPart + "." + frac;
                }
                else body = "0." + new string('0', -exp10 - 1) + digits;
            }
            else
            {
                body = digits[..1] + (digits.Length > 1 ? "." + digits[1..] : "") + "e" + (exp10 < 0 ? "-" : "+")
                       + Math.Abs(exp10).ToString("00", CultureInfo.InvariantCulture);
            }
        }
        return negative ? "-" + body : body;
    }

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex PlaceholderRegex();

    /// <summary>Matches a hash object's file name (26 chars of <c>[a-z2-7]</c>).</summary>
    /// <summary>
    /// A schema name is one folder of a store path: a name that could reach into another schema's folder (a separator,
    /// a dot segment) is refused, so no object lands under another schema's prefix.
    /// </summary>
    private static void CheckSchemaSegment(string schema)
    {
        if (schema.Length == 0 || schema.Contains('/') || schema.Contains('\\') || schema is "." or ".." || schema.Any(char.IsControl))
            throw new DataJointException(
                $"Schema name '{schema}' cannot be a store folder: it must be one path segment (no '/', '\\', '.' or '..').")
            {
                Schema = schema,
            };
    }

    internal static bool IsHashFileName(string path)
    {
        var slash = path.LastIndexOf('/');
        return ContentHash.IsValid(slash < 0 ? path : path[(slash + 1)..]);
    }
}
