using Polly;
using Polly.Retry;

namespace DataJoint;

/// <summary>How <see cref="Retry"/> repeats an operation that failed transiently.</summary>
public sealed record RetryOptions
{
    /// <summary>Attempts in all, the first one included (default 3; 1 = no retry).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The wait before the first retry; it doubles for each further one, with random jitter (default 200 ms).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between two attempts (default 5 s).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The defaults: 3 attempts, 200 ms doubling, at most 5 s.</summary>
    public static RetryOptions Default { get; } = new();
}

/// <summary>
/// A bounded retry for operations that are safe to repeat: fetches and counts, deletes, inserts with
/// <c>SkipDuplicates</c> or <c>Replace</c>, and any insert that failed with a <see cref="DeadlockException"/> or
/// <see cref="LockWaitTimeoutException"/> (the server rolled it back). Only failures whose
/// <see cref="DataJointException.IsTransient"/> is true are retried — deadlocks, lock wait timeouts, lost connections,
/// S3 server errors and timeouts — never bad input. A <see cref="LostConnectionException"/> with
/// <see cref="LostConnectionException.CommitOutcomeUnknown"/> is not retried (the transaction may be in). Cancellation
/// stops at once. After the last attempt the last exception is thrown unchanged.
/// <code>
/// var rows = await Retry.RunAsync(ct => (session &amp; key).FetchAsync(cancellationToken: ct), cancellationToken: ct);
/// await Retry.RunAsync(ct => table.InsertAsync(rows, new InsertOptions { SkipDuplicates = true }, ct));
/// </code>
/// </summary>
public static class Retry
{
    /// <summary>Runs <paramref name="operation"/>, repeating it after transient failures as <paramref name="options"/> allow.</summary>
    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, RetryOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var pipeline = Pipeline(options ?? RetryOptions.Default);
        return await pipeline.ExecuteAsync(static async (op, ct) => await op(ct).ConfigureAwait(false), operation, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="operation"/>, repeating it after transient failures as <paramref name="options"/> allow.</summary>
    public static Task RunAsync(Func<CancellationToken, Task> operation, RetryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return RunAsync(async ct =>
        {
            await operation(ct).ConfigureAwait(false);
            return true;
        }, options, cancellationToken);
    }

    /// <summary>True when a failure may be retried: transient, and not a commit whose outcome is unknown.</summary>
    public static bool IsRetryable(Exception exception) =>
        exception is DataJointException { IsTransient: true } and not LostConnectionException { CommitOutcomeUnknown: true };

    private static ResiliencePipeline Pipeline(RetryOptions options)
    {
        if (options.MaxAttempts < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxAttempts, "RetryOptions.MaxAttempts must be at least 1");
        if (options.MaxAttempts == 1) return ResiliencePipeline.Empty;
        return new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<DataJointException>(IsRetryable),
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
            })
            .Build();
    }
}
