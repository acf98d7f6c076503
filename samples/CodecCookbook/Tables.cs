using DataJoint;

namespace Samples.Cookbook;

/// <summary>A research subject.</summary>
[Table]
public sealed partial class Subject : Manual
{
    public const string Definition = """
        subject_id : varchar(16)
        ---
        species : varchar(32)
        """;
}

/// <summary>Anatomical scans: a NIfTI volume in the table, an archive copy in the store (both modes of one codec).</summary>
[Table]
public sealed partial class Scan : Manual
{
    public const string Definition = """
        -> Subject
        scan_id : int16
        ---
        anatomy : <nifti>                  # NIfTI-1 bytes in the database
        anatomy_archive = null : <nifti@main>  # the same codec, content-addressed in the store
        """;
}

/// <summary>Sequencing runs: BAM files live in the store only.</summary>
[Table]
public sealed partial class Sequencing : Manual
{
    public const string Definition = """
        -> Subject
        run : int16
        ---
        reads : <bam@main>                 # store-only file codec; fetch returns a lazy BamFile
        """;
}

/// <summary>Electrophysiology: a spike train (in-table only) and a trace (versioned encoding).</summary>
[Table]
public sealed partial class Ephys : Manual
{
    public const string Definition = """
        -> Subject
        session : int16
        ---
        spikes : <spikes>                  # in-table only, strictly validated
        lfp : <trace>                      # versioned encoding (reads versions 1 and 2)
        """;
}
