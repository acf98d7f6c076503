using DataJoint;

namespace Samples.Plugins;

/// <summary>An imaging session.</summary>
[Table]
public sealed partial class Session : Manual
{
    public const string Definition = """
        session_id : int32
        ---
        rig : varchar(32)
        """;
}

/// <summary>What was recorded: plugin codecs in a definition, resolved at compile time from the packages' manifests.</summary>
[Table]
public sealed partial class Recording : Manual
{
    public const string Definition = """
        -> Session
        ---
        movie : <movie@main>               # this project's codec, chained to the plugin's <zarr@>
        spectrum = null : <zarr@main>      # the plugin codec itself
        ephys = null : <hdf5@main>         # an HDF5 (NWB-style) file
        """;
}
