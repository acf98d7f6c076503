using MySqlConnector;

namespace DataJoint.Integration.Tests.Tables;

/// <summary>Each test gets its own database (dropped afterwards) and a <see cref="Schema"/> on it.</summary>
public abstract class SchemaFixture
{
    protected DataJointConnection Connection = null!;
    protected Schema Schema = null!;
    private readonly List<string> _databases = [];

    protected abstract string Purpose { get; }

    [SetUp]
    public async Task CreateSchema()
    {
        Connection = await TestServices.RequireDatabaseAsync();
        Schema = await NewSchemaAsync(Purpose);
    }

    protected async Task<Schema> NewSchemaAsync(string purpose)
    {
        var name = TestServices.UniqueSchemaName(purpose);
        _databases.Add(name);
        return await Schema.ActivateAsync(Connection, name);
    }

    [TearDown]
    public async Task DropSchemas()
    {
        // children first when schemas reference each other
        for (var i = _databases.Count - 1; i >= 0; i--) await TestServices.DropSchemaAsync(Connection, _databases[i]);
        _databases.Clear();
    }

    protected async Task ExecAsync(string sql)
    {
        await using var conn = await Connection.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    protected async Task<List<object?[]>> QueryAsync(string sql)
    {
        await using var conn = await Connection.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await r.ReadAsync())
        {
            var v = new object?[r.FieldCount];
            for (var i = 0; i < v.Length; i++) v[i] = r.IsDBNull(i) ? null : r.GetValue(i);
            rows.Add(v);
        }
        return rows;
    }

    protected async Task<long> RawCountAsync(string table)
    {
        var rows = await QueryAsync($"SELECT COUNT(*) FROM `{Schema.Database}`.`{table}`");
        return Convert.ToInt64(rows[0][0]);
    }

    protected static MySqlException? Inner(Exception ex) => ex.InnerException as MySqlException;
}
