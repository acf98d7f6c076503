using System.Runtime.CompilerServices;

namespace DataJoint;

/// <summary>
/// Makes <c>T[]</c>, <c>T[,]</c>, … of a run-time rank without reflection-emitted array types, so trimmed and NativeAOT
/// apps can create them (ranks 1–4 are spelled out; higher ranks need dynamic code).
/// </summary>
internal static class MultiDimensionalArrays
{
    public static Array New<T>(int[] lengths) => lengths.Length switch
    {
        1 => new T[lengths[0]],
        2 => new T[lengths[0], lengths[1]],
        3 => new T[lengths[0], lengths[1], lengths[2]],
        4 => new T[lengths[0], lengths[1], lengths[2], lengths[3]],
        _ when RuntimeFeature.IsDynamicCodeSupported => Array.CreateInstance(typeof(T), lengths),
        _ => throw new DataJointException(
            $"A {lengths.Length}-dimensional {CodecTypeNames.Of(typeof(T))} array cannot be created in a NativeAOT app (ranks 1 to 4 can)."),
    };
}
