using DataJoint;

namespace QueryAlgebra;

[Table]
public partial class Subject : Manual
{
    public const string Definition = """
        subject_id : int32
        ---
        species : varchar(32)
        sex : enum('F', 'M')
        """;
}

[Table]
public partial class Session : Manual
{
    public const string Definition = """
        -> Subject
        session_idx : int16
        ---
        quality = null : float64      # experimenter's rating, 0..1
        """;

    [Table]
    public partial class Trial : Part<Session>
    {
        public const string Definition = """
            -> master
            trial_idx : int32
            ---
            outcome : enum('hit', 'miss')
            rt = null : float64           # reaction time, s
            """;
    }
}

/// <summary>A row of an aggregation, filled by attribute name (subject_id, session_idx, trials, mean_rt).</summary>
[QueryRow]
public sealed partial record SessionSummary(int SubjectId, short SessionIdx, long Trials, double? MeanRt);
