using DataJoint;

namespace Samples.Graphs;

/// <summary>A recorded circuit. The generator adds <c>Circuit.Row</c>, <c>Circuit.Key</c> and <c>Circuit.TableAsync</c>.</summary>
[Table]
public sealed partial class Circuit : Manual
{
    public const string Definition = """
        # a recorded circuit
        circuit_id : int32
        ---
        region : varchar(32)
        """;
}

/// <summary>Connectivity estimated for a circuit: small graphs in the table, large ones and arrays in the store.</summary>
[Table]
public sealed partial class Connectivity : Manual
{
    public const string Definition = """
        # connectivity estimated for a circuit
        -> Circuit
        method : enum('xcorr', 'granger')
        ---
        network : <graph>                  # small graphs in the database
        full_network = null : <graph@main> # large graphs in object storage
        simple_network = null : <cgraph>   # simplified (no self-loops, parallel edges merged), then stored as <graph>
        weights = null : <npy@main>        # dense weight matrix as .npy
        """;
}
