// DDL and statements of DataJoint's hidden per-schema tables: `~lineage` (§3.4) and the job tables `~~name` (§3.5).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using DataJoint.Definitions;

namespace DataJoint.Dialects
{
    /// <summary>Statements for the schema's <c>~lineage</c> table. Parameters use MySqlConnector's <c>@name</c> form.</summary>
    internal static class LineageSql
    {
        public const string TableName = "~lineage";

        /// <summary>The exact DDL Python uses (lineage.py <c>ensure_lineage_table</c>).</summary>
        public static string CreateTable(string schemaName) =>
            "CREATE TABLE IF NOT EXISTS `" + schemaName + "`.`~lineage` (\n" +
            "`table_name` VARCHAR(64) NOT NULL COMMENT \"table name within the schema\",\n" +
            "`attribute_name` VARCHAR(64) NOT NULL COMMENT \"attribute name\",\n" +
            "`lineage` VARCHAR(255) NOT NULL COMMENT \"origin: schema.table.attribute\",\n" +
            "PRIMARY KEY (`table_name`, `attribute_name`)\n" +
            ") ENGINE=InnoDB";

        /// <summary>Deletes a table's rows before re-inserting them (parameter <c>@table_name</c>); also used by drop.</summary>
        public static string DeleteForTable(string schemaName) =>
            "DELETE FROM `" + schemaName + "`.`~lineage` WHERE `table_name` = @table_name";

        /// <summary>Reads a table's lineage (parameter <c>@table_name</c>): columns <c>attribute_name</c>, <c>lineage</c>.</summary>
        public static string SelectForTable(string schemaName) =>
            "SELECT `attribute_name`, `lineage` FROM `" + schemaName + "`.`~lineage` WHERE `table_name` = @table_name";

        /// <summary>
        /// Upsert of <paramref name="rowCount"/> rows with parameters <c>@t0, @a0, @l0, @t1, ...</c> (table name, attribute
        /// name, lineage per row), as Python's <c>insert_lineages</c> does.
        /// </summary>
        public static string Upsert(string schemaName, int rowCount)
        {
            if (rowCount < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(rowCount), "At least one lineage row is needed.");
            }

            var sb = new StringBuilder();
            sb.Append("INSERT INTO `").Append(schemaName).Append("`.`~lineage` (`table_name`, `attribute_name`, `lineage`) VALUES ");
            for (var i = 0; i < rowCount; i++)
            {
                var n = i.ToString(CultureInfo.InvariantCulture);
                if (i > 0)
                {
                    sb.Append(", ");
                }

                sb.Append("(@t").Append(n).Append(", @a").Append(n).Append(", @l").Append(n).Append(')');
            }

            sb.Append(" ON DUPLICATE KEY UPDATE table_name = VALUES(table_name), attribute_name = VALUES(attribute_name), lineage = VALUES(lineage)");
            return sb.ToString();
        }
    }

    /// <summary>The job table <c>~~name</c> of an auto-populated table (§3.5).</summary>
    internal static class JobTableDdl
    {
        /// <summary>
        /// The definition Python's <c>Job._generate_definition</c> builds. <paramref name="keyAttributes"/> are the target's
        /// foreign-key-derived primary key attributes in key order, each with <c>original_type or sql type</c> (a uuid
        /// key stays <c>uuid</c>; an inherited int is the native <c>int</c>).
        /// </summary>
        public static string Definition(string schemaName, string targetTableName, IReadOnlyList<(string Name, string Type)> keyAttributes)
        {
            var sb = new StringBuilder();
            sb.Append("# Job queue for `").Append(schemaName).Append("`.`").Append(targetTableName).Append("`\n");
            foreach (var (name, type) in keyAttributes)
            {
                sb.Append(name).Append(" : ").Append(type).Append('\n');
            }

            sb.Append("---\n");
            sb.Append("status : enum('pending', 'reserved', 'success', 'error', 'ignore')\n");
            sb.Append("priority : int8\n");
            sb.Append("created_time = CURRENT_TIMESTAMP(3) : datetime(3)\n");
            sb.Append("scheduled_time = CURRENT_TIMESTAMP(3) : datetime(3)\n");
            sb.Append("reserved_time = null : datetime(3)\n");
            sb.Append("completed_time = null : datetime(3)\n");
            sb.Append("duration = null : float64\n");
            sb.Append("error_message = \"\" : varchar(2047)\n");
            sb.Append("error_stack = null : <blob>\n");
            sb.Append("user = \"\" : varchar(255)\n");
            sb.Append("host = \"\" : varchar(255)\n");
            sb.Append("pid = 0 : int32\n");
            sb.Append("connection_id = 0 : int64\n");
            sb.Append("version = \"\" : varchar(64)\n");
            sb.Append("index(status, priority, scheduled_time)\n");
            return sb.ToString();
        }

        /// <summary>Compiles the job table of <paramref name="targetTableName"/>; the result's SQL is the exact §3.5 DDL.</summary>
        public static DeclareResult Compile(string schemaName, string targetTableName, IReadOnlyList<(string Name, string Type)> keyAttributes) =>
            DdlCompiler.Compile(
                schemaName, TableNaming.JobTableName(targetTableName), Definition(schemaName, targetTableName, keyAttributes), null,
                BlobOnlyResolver.Instance);

        // The job table only uses the built-in <blob> codec, whose in-table dtype is `bytes` (§5).
        private sealed class BlobOnlyResolver : IDeclareCodecTypeResolver
        {
            public static readonly BlobOnlyResolver Instance = new();

            public CodecTypeResolution Resolve(string codecSpec) =>
                codecSpec == "<blob>"
                    ? CodecTypeResolution.Success("bytes")
                    : CodecTypeResolution.Failure("Codec " + codecSpec + " is not available for job tables.");
        }
    }
}
