namespace DataJoint.Stores;

/// <summary>
/// Bounded-parallel store I/O for multi-row inserts and folder uploads. The S3 SDK uploads one object (and the parts
/// of one multipart upload) sequentially, so throughput across many objects comes from running several uploads at once.
/// </summary>
public static class ParallelUploads
{
    /// <summary>A sensible default degree: 4 concurrent requests (I/O bound, not CPU bound).</summary>
    public const int DefaultDegree = 4;

    /// <summary>Runs <paramref name="action"/> for every item with at most <paramref name="maxDegree"/> running at once; the first failure cancels the rest and is rethrown.</summary>
    public static Task ForEachAsync<T>(IEnumerable<T> items, int maxDegree, Func<T, CancellationToken, ValueTask> action,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(action);
        return Parallel.ForEachAsync(items, Options(maxDegree, cancellationToken), action);
    }

    /// <summary>Runs <paramref name="action"/> for every item of an async stream (e.g. a producer/consumer queue) with at most <paramref name="maxDegree"/> at once.</summary>
    public static Task ForEachAsync<T>(IAsyncEnumerable<T> items, int maxDegree, Func<T, CancellationToken, ValueTask> action,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(action);
        return Parallel.ForEachAsync(items, Options(maxDegree, cancellationToken), action);
    }

    private static ParallelOptions Options(int maxDegree, CancellationToken cancellationToken) => maxDegree < 1
        ? throw new DataJointException($"The degree of parallel uploads must be at least 1, got {maxDegree}.")
        : new ParallelOptions { MaxDegreeOfParallelism = maxDegree, CancellationToken = cancellationToken };

    /// <summary>Like <see cref="ForEachAsync{T}(IEnumerable{T}, int, Func{T, CancellationToken, ValueTask}, CancellationToken)"/> but collects one result per item, in the items' order (e.g. the column metadata of each row).</summary>
    public static async Task<TResult[]> SelectAsync<T, TResult>(IReadOnlyList<T> items, int maxDegree, Func<T, CancellationToken, ValueTask<TResult>> func,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(func);
        var results = new TResult[items.Count];
        await ForEachAsync(Enumerable.Range(0, items.Count), maxDegree,
            async (i, ct) => results[i] = await func(items[i], ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return results;
    }
}
