using System.Text;

namespace DataJoint;

/// <summary>One problem a dry run found: the row (0-based), the attribute when known, and the message an insert would raise.</summary>
public sealed record ValidationError(int Row, string? Attribute, string Message);

/// <summary>What <see cref="Table.Validate{TRow}"/> found (DataJoint's <c>ValidationResult</c>).</summary>
public sealed record ValidationResult
{
    /// <summary>Every problem, in row order.</summary>
    public required IReadOnlyList<ValidationError> Errors { get; init; }

    /// <summary>The number of rows checked.</summary>
    public required int RowsChecked { get; init; }

    /// <summary>True when an insert of the rows would pass every check made before writing.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>A readable summary, one line per problem.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(IsValid ? $"{RowsChecked} rows are valid" : $"{Errors.Count} problems in {RowsChecked} rows");
        foreach (var e in Errors)
            sb.AppendLine().Append("row ").Append(e.Row).Append(e.Attribute is null ? "" : $" `{e.Attribute}`").Append(": ").Append(e.Message);
        return sb.ToString();
    }
}

// validate: the insert's checks without writing (DataJoint's Table.validate).
public partial class Table
{
    /// <summary>
    /// Checks <paramref name="rows"/> as <see cref="InsertAsync{TRow}(IEnumerable{TRow}, InsertOptions?, CancellationToken)"/>
    /// would, without writing or uploading anything (a dry run): unknown attributes, missing required ones, rows with
    /// different fields, each value against its attribute's type, and the outermost codec's validation. It reports every
    /// problem, not just the first. Checks that need the server (duplicate keys, foreign keys) are not made.
    /// </summary>
    public ValidationResult Validate<TRow>(IEnumerable<TRow> rows, InsertOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        options ??= new InsertOptions();
        var errors = new List<ValidationError>();
        IReadOnlyList<string>? first = null;
        var n = 0;
        foreach (var row in rows)
        {
            var index = n++;
            var plan = new InsertPlan(this, options, uploads: null);
            try
            {
                plan.AddRows([row]);
                if (first is null) first = plan.Fields;
                else if (!first.SequenceEqual(plan.Fields!))
                    errors.Add(new ValidationError(index, null, $"Attempt to insert rows with different fields (table {FullName}, row {index})."));
            }
            catch (DataJointException ex)
            {
                errors.Add(new ValidationError(index, ex.Attribute, ex.Message));
            }
        }
        return new ValidationResult { Errors = errors, RowsChecked = n };
    }
}
