using System.Globalization;
using System.Text;
using DataJoint.Definitions;

namespace DataJoint.Declare;

/// <summary>
/// Runtime side of the shared definition code: turns <see cref="DefinitionError"/> data into
/// <see cref="DataJointException"/> messages that name the table and the line/column.
/// </summary>
internal static class DefinitionErrors
{
    /// <summary>Throws when declare found errors; the message lists every error with its location.</summary>
    public static DeclareResult ThrowIfFailed(this DeclareResult result)
    {
        if (result.Success)
        {
            return result;
        }

        throw ToException(result.Errors, "`" + result.SchemaName + "`.`" + result.TableName + "`");
    }

    /// <summary>Throws when the parser found errors.</summary>
    public static TableDefinition ThrowIfFailed(this TableDefinition definition, string tableDescription)
    {
        if (!definition.HasErrors)
        {
            return definition;
        }

        throw ToException(definition.Errors, tableDescription);
    }

    /// <summary>Builds the exception: the first error's text, then its location; further errors follow on new lines.</summary>
    public static DataJointException ToException(IReadOnlyList<DefinitionError> errors, string tableDescription)
    {
        var sb = new StringBuilder();
        foreach (var e in errors)
        {
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            sb.Append(e.Message).Append(" [").Append(e.Id).Append(", table ").Append(tableDescription);
            if (e.HasLocation && e.Line >= 0)
            {
                sb.Append(", definition line ").Append((e.Line + 1).ToString(CultureInfo.InvariantCulture))
                  .Append(", column ").Append((e.Column + 1).ToString(CultureInfo.InvariantCulture));
            }

            sb.Append(']');
        }

        return new DataJointException(sb.ToString());
    }
}
