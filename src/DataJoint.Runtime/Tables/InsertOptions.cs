namespace DataJoint;

/// <summary>Options of <see cref="Table.InsertAsync{TRow}"/>.</summary>
public sealed record InsertOptions
{
    /// <summary>Rows whose primary key already exists are skipped (<c>skip_duplicates=True</c>).</summary>
    public bool SkipDuplicates { get; init; }
    /// <summary>Rows whose primary key already exists replace the old row (<c>replace=True</c>).</summary>
    public bool Replace { get; init; }
    /// <summary>Row fields that are not attributes of the table are ignored instead of rejected.</summary>
    public bool IgnoreExtraFields { get; init; }
    /// <summary>
    /// How many rows encode and upload their store-backed values (<c>&lt;blob@store&gt;</c>, <c>&lt;object@store&gt;</c>...) at
    /// once in a multi-row insert (default 4; 1 = one row after the other). Rows keep their order and every row is
    /// validated before the first upload. Custom codecs of such columns must then be safe to call concurrently.
    /// </summary>
    public int MaxParallelUploads { get; init; } = DataJoint.Stores.ParallelUploads.DefaultDegree;
    /// <summary>
    /// Hash-addressed values (<c>&lt;blob@&gt;</c>, <c>&lt;attach@&gt;</c>, <c>&lt;hash@&gt;</c>) whose object already exists with
    /// the right size are downloaded and hashed too, and re-uploaded if their bytes changed (default: only the size is
    /// compared, so a truncated or extended object is replaced but one overwritten at the same size is not).
    /// </summary>
    public bool VerifyExistingObjects { get; init; }
    /// <summary>
    /// Allows inserting into a Computed or Imported table outside its <c>Make</c> (Python's <c>allow_direct_insert=True</c>);
    /// without it such inserts are refused.
    /// </summary>
    public bool AllowDirectInsert { get; init; }
    /// <summary>Caps the rows per INSERT statement (tests use it to force several statements).</summary>
    internal int MaxRowsPerStatement { get; init; } = DefaultRowsPerStatement;

    /// <summary>
    /// Rows per INSERT statement unless the packet limit cuts earlier. Measured: 1000-row statements insert faster
    /// than statements filling max_allowed_packet (the server parses and logs smaller statements more cheaply).
    /// </summary>
    internal const int DefaultRowsPerStatement = 1000;

    /// <summary>How rows with an existing key are written.</summary>
    internal InsertMode Mode => Replace ? InsertMode.Replace : SkipDuplicates ? InsertMode.SkipDuplicates : InsertMode.Insert;
}
