namespace DataJoint;

// Insert from a query: INSERT INTO ... SELECT ..., run on the server (DataJoint's insert(query_expression)).
public partial class Table
{
    /// <summary>
    /// Inserts the rows of <paramref name="source"/> with one <c>INSERT INTO table (attrs) SELECT ...</c> on the server: the
    /// rows never travel through the client. The attributes of <paramref name="source"/> that the table has are inserted;
    /// another attribute is an error unless <see cref="InsertOptions.IgnoreExtraFields"/>. <see cref="InsertOptions.SkipDuplicates"/>
    /// and <see cref="InsertOptions.Replace"/> work as for rows. Codec attributes are copied in their stored form, so a
    /// codec attribute can only come from an attribute with the same codec. All rows are inserted or none.
    /// </summary>
    public async Task InsertAsync(QueryExpression source, InsertOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= new InsertOptions();
        if (options.Replace && options.SkipDuplicates)
            throw Located(new DataJointException($"Insert into {FullName}: replace and skip_duplicates cannot both be set"));
        MakeScope.CheckInsert(this, options);
        var fields = new List<string>();
        foreach (var name in source.Heading.Names)
        {
            if (!TableHeading.Contains(name))
            {
                if (options.IgnoreExtraFields) continue;
                throw Located(new DataJointException(
                    $"Attribute {name} not found. To ignore extra attributes in insert, set ignore_extra_fields=True (InsertOptions.IgnoreExtraFields).")
                {
                    Attribute = name,
                });
            }
            var target = TableHeading[name];
            var from = source.Heading[name];
            if ((target.Codec ?? from.Codec) is not null && target.Codec != from.Codec)
                throw Located(new DataJointException(
                    $"Insert into {FullName} from a query: `{name}` is {target.Codec ?? target.Type} in the table but {from.Codec ?? from.Type} in the " +
                    "query; a codec attribute's stored value can only be copied from an attribute of the same codec.")
                {
                    Attribute = name,
                });
            fields.Add(name);
        }
        var missing = TableHeading.Attributes.Where(a => !a.HasDefault && !fields.Contains(a.Name)).Select(a => a.Name).ToList();
        if (missing.Count > 0)
            throw Located(new DataJointException($"Cannot insert into {FullName}: the following attributes require values: [{string.Join(", ", missing)}]"));
        var sql = Dialect.InsertSelect(Database, Name, fields, TableHeading.PrimaryKey, SelectSql.Select(source, fields, forFetch: false), options.Mode);
        await WriteAsync($"insert into {FullName} from a query",
            "the rows may or may not have been written. Check before inserting them again (or insert with SkipDuplicates).", async operation =>
            {
                var (connection, transaction) = await operation.BeginAsync(cancellationToken, singleStatement: true).ConfigureAwait(false);
                await using var cmd = sql.CreateCommand(connection, transaction);
                return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
    }
}
