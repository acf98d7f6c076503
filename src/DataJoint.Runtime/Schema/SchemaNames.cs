using System.Text.RegularExpressions;

namespace DataJoint;

/// <summary>
/// Which schema (database) names DataJoint accepts: 1 to 64 ASCII letters, digits, <c>_</c>, <c>$</c> and <c>-</c>.
/// The name is a folder of every object store (<c>_hash/{schema}/...</c>, <c>_schema/{schema}/...</c>), so a <c>/</c>, a
/// backslash or a dot would put one schema's objects inside another's folder, where the other schema's garbage
/// collection would delete them. DataJoint Python 2.x checks nothing here (MySQL itself accepts any name in backquotes);
/// this is stricter.
/// </summary>
public static partial class SchemaNames
{
    [GeneratedRegex(@"^[A-Za-z0-9_$\-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();

    /// <summary>True when <paramref name="name"/> is a valid schema name.</summary>
    public static bool IsValid(string? name) => name is not null && ValidName().IsMatch(name);

    /// <summary>Throws <see cref="DataJointException"/> saying why <paramref name="name"/> is not a valid schema name.</summary>
    public static void Check(string? name)
    {
        if (IsValid(name)) return;
        var why = string.IsNullOrEmpty(name) ? "it is empty"
            : name.Length > 64 ? $"it has {name.Length} characters (at most 64)"
            : $"it contains '{name.First(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '$' or '-'))}'";
        throw new DataJointException(
            $"Invalid schema name '{name}': {why}. Schema names may use ASCII letters, digits, '_', '$' and '-' (1 to 64 characters); " +
            "the name is also a folder in every object store, so '/', '\\' and '.' could mix two schemas' objects.")
        {
            Schema = name,
        };
    }
}
