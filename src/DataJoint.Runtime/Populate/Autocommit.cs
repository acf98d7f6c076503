using System.Data.Common;

namespace DataJoint;

/// <summary>
/// The autocommit statements of the job protocol (reserve, complete, error, the hidden job metadata): each is idempotent,
/// so a deadlock or lock wait timeout — workers and refreshes touching the same job table at once — is retried.
/// </summary>
internal static class Autocommit
{
    private const int Attempts = 5;

    /// <summary>True for the errors a retry of an idempotent statement may get past (deadlock 1213, lock wait timeout 1205).</summary>
    public static bool IsRetryable(Exception ex) => ex is MySqlConnector.MySqlException { Number: 1213 or 1205 };

    /// <summary>A short random pause before attempt <paramref name="attempt"/> + 1, growing with the attempts.</summary>
    public static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(20 * attempt * (1 + Random.Shared.Next(4))), cancellationToken);

    /// <summary>Whether attempt <paramref name="attempt"/> (1-based) may be followed by another.</summary>
    public static bool MayRetry(int attempt) => attempt < Attempts;

    /// <summary>
    /// Runs <paramref name="sql"/> on <paramref name="conn"/>, retrying a deadlock or lock wait timeout; other errors become
    /// <see cref="DataJointException"/>s naming <paramref name="where"/>. Returns the rows it affected.
    /// </summary>
    public static async Task<int> ExecAsync(DbConnection conn, ISqlDialect dialect, SqlFragment sql, string where, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var cmd = sql.CreateCommand(conn);
            try
            {
                return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsRetryable(ex) && MayRetry(attempt))
            {
                await BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (dialect.TranslateError(ex, where + ": " + Shorten(sql.Sql)) is { } dj)
            {
                throw dj;
            }
        }
    }

    /// <summary>The first 300 characters of a statement, for error messages.</summary>
    public static string Shorten(string sql) => sql.Length <= 300 ? sql : sql[..300] + "...";
}
