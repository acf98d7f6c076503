using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace DataJoint.Benchmarks.Blob;

/// <summary>
/// Pack / unpack of a 64 MiB float64 array against a plain copy of the same bytes into a new array (what
/// pack and unpack must at least do). Run:
/// <c>dotnet run -c Release -- --filter '*Blob*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class BlobLargeArrayBenchmarks
{
    private const int Count = 8 * 1024 * 1024; // 8 Mi doubles = 64 MiB

    private double[] _data = [];
    private byte[] _packed = [];
    private byte[] _compressed = [];

    [GlobalSetup]
    public void Setup()
    {
        // A recording-like signal: integer ADC counts stored as doubles (compressible, like real data).
        var random = new Random(1);
        _data = new double[Count];
        for (int i = 0; i < Count; i++)
            _data[i] = Math.Round(2000 * Math.Sin(i / 100.0)) + random.Next(-50, 51);
        _packed = DataJoint.Blob.Pack(_data, compress: false);
        _compressed = DataJoint.Blob.Pack(_data);
        Console.WriteLine($"// packed {_packed.Length} bytes; default compressed {_compressed.Length} bytes ({(double)_compressed.Length / _packed.Length:P1})");
        foreach (int level in new[] { 1, 6 })
            Console.WriteLine($"// zlib level {level} compressed {DataJoint.Blob.Pack(_data, level).Length} bytes");
    }

    [Benchmark(Baseline = true, Description = "memory copy (baseline)")]
    public byte[] MemoryCopy()
    {
        var copy = GC.AllocateUninitializedArray<byte>(_packed.Length);
        _packed.AsSpan().CopyTo(copy);
        return copy;
    }

    [Benchmark(Description = "Pack uncompressed")]
    public byte[] PackUncompressed() => DataJoint.Blob.Pack(_data, compress: false);

    [Benchmark(Description = "Unpack uncompressed")]
    public object? Unpack() => DataJoint.Blob.Unpack(_packed);

    [Benchmark(Description = "Pack default (compressed, zlib level 2)")]
    public byte[] PackCompressed() => DataJoint.Blob.Pack(_data);

    [Benchmark(Description = "Pack compressed, zlib level 1 (Fastest)")]
    public byte[] PackCompressedLevel1() => DataJoint.Blob.Pack(_data, 1);

    [Benchmark(Description = "Pack compressed, zlib level 6 (Python's level)")]
    public byte[] PackCompressedLevel6() => DataJoint.Blob.Pack(_data, 6);

    [Benchmark(Description = "Unpack compressed")]
    public object? UnpackCompressed() => DataJoint.Blob.Unpack(_compressed);
}

/// <summary>A 1000-element list of small dicts (the shape of typical metadata blobs).</summary>
[MemoryDiagnoser]
public class BlobNestedBenchmarks
{
    private List<object?> _value = [];
    private byte[] _packed = [];

    [GlobalSetup]
    public void Setup()
    {
        _value = new List<object?>(1000);
        for (int i = 0; i < 1000; i++)
        {
            _value.Add(new Dictionary<string, object?>
            {
                ["id"] = i,
                ["name"] = "unit_" + i,
                ["score"] = i * 0.25,
                ["tags"] = new List<object?> { "good", i % 2 == 0 },
                ["when"] = new DateTime(2024, 1, 1).AddSeconds(i),
            });
        }
        _packed = DataJoint.Blob.Pack(_value, compress: false);
        Console.WriteLine($"// nested value packs to {_packed.Length} bytes");
    }

    [Benchmark(Baseline = true, Description = "memory copy of the packed bytes (baseline)")]
    public byte[] MemoryCopy()
    {
        var copy = GC.AllocateUninitializedArray<byte>(_packed.Length);
        _packed.AsSpan().CopyTo(copy);
        return copy;
    }

    [Benchmark(Description = "Pack (object tree)")]
    public byte[] Pack() => DataJoint.Blob.Pack(_value, compress: false);

    [Benchmark(Description = "Pack (BlobWriter, typed, as a generated mapper would)")]
    public byte[] PackWithWriter()
    {
        using var w = new BlobWriter(64 * 1024);
        w.WriteListStart(1000);
        for (int i = 0; i < 1000; i++)
        {
            w.WriteDictStart(5);
            w.WriteKey("id");
            w.WriteValue(i);
            w.WriteKey("name");
            w.WriteValue("unit_" + i);
            w.WriteKey("score");
            w.WriteValue(i * 0.25);
            w.WriteKey("tags");
            w.WriteListStart(2);
            w.WriteValue("good");
            w.WriteValue(i % 2 == 0);
            w.WriteKey("when");
            w.WriteValue(new DateTime(2024, 1, 1).AddSeconds(i));
        }
        return w.ToArray(compress: false);
    }

    [Benchmark(Description = "Unpack")]
    public object? Unpack() => DataJoint.Blob.Unpack(_packed);

    [Benchmark(Description = "System.Text.Json serialize (reference)")]
    public byte[] Json() => JsonSerializer.SerializeToUtf8Bytes(_value);
}
