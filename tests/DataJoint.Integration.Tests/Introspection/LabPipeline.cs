using DataJoint.Integration.Tests.Tables;

namespace DataJoint.Integration.Tests.Introspection;

/// <summary>
/// A lab's pipeline created by raw SQL exactly as DataJoint Python 2.x declares it (spec §2.10 layout, comment markers,
/// FK clauses, ~lineage): a lookup, manual tables, a renamed nullable foreign key, a master with a part, a computed
/// table with codec columns (one codec this process does not know) and a unique index.
/// </summary>
internal static class LabPipeline
{
    public static string[] CreateStatements(string db) =>
    [
        LineageTable(db),
        $"""
        CREATE TABLE IF NOT EXISTS `{db}`.`#species` (
        `species` varchar(32) NOT NULL COMMENT ":varchar(32):common name",
        `latin` varchar(64) NOT NULL DEFAULT '' COMMENT ":varchar(64):",
        PRIMARY KEY (`species`)
        ) ENGINE=InnoDB, COMMENT "animal species"
        """,
        $"""
        CREATE TABLE IF NOT EXISTS `{db}`.`subject` (
        `subject_id` int NOT NULL COMMENT ":int32:lab animal number",
        `species` varchar(32) NOT NULL COMMENT "common name",
        `sex` enum('F','M','U') NOT NULL DEFAULT 'U' COMMENT ":enum('F','M','U'):",
        `date_of_birth` date DEFAULT NULL COMMENT ":date:",
        PRIMARY KEY (`subject_id`),
        FOREIGN KEY (`species`) REFERENCES `{db}`.`#species` (`species`) ON UPDATE CASCADE ON DELETE RESTRICT
        ) ENGINE=InnoDB, COMMENT "experimental animals"
        """,
        $"""
        CREATE TABLE IF NOT EXISTS `{db}`.`session` (
        `subject_id` int NOT NULL COMMENT "lab animal number",
        `session_idx` smallint NOT NULL COMMENT ":int16:",
        `session_start` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP COMMENT ":datetime:",
        `helper_id` int DEFAULT NULL COMMENT "lab animal number",
        `notes` varchar(255) NOT NULL DEFAULT '' COMMENT ":varchar(255):free text",
        PRIMARY KEY (`subject_id`,`session_idx`),
        FOREIGN KEY (`subject_id`) REFERENCES `{db}`.`subject` (`subject_id`) ON UPDATE CASCADE ON DELETE RESTRICT,
        FOREIGN KEY (`helper_id`) REFERENCES `{db}`.`subject` (`subject_id`) ON UPDATE CASCADE ON DELETE RESTRICT
        ) ENGINE=InnoDB, COMMENT "recording sessions"
        """,
        $"""
        CREATE TABLE IF NOT EXISTS `{db}`.`session__trial` (
        `subject_id` int NOT NULL COMMENT "lab animal number",
        `session_idx` smallint NOT NULL COMMENT "",
        `trial` int NOT NULL COMMENT ":int32:",
        `outcome` tinyint NOT NULL COMMENT ":bool:",
        `trace` longblob DEFAULT NULL COMMENT ":<blob>:lick trace",
        PRIMARY KEY (`subject_id`,`session_idx`,`trial`),
        FOREIGN KEY (`subject_id`,`session_idx`) REFERENCES `{db}`.`session` (`subject_id`,`session_idx`) ON UPDATE CASCADE ON DELETE RESTRICT
        ) ENGINE=InnoDB, COMMENT ""
        """,
        $"""
        CREATE TABLE IF NOT EXISTS `{db}`.`__summary` (
        `subject_id` int NOT NULL COMMENT "lab animal number",
        `session_idx` smallint NOT NULL COMMENT "",
        `hit_rate` double NOT NULL COMMENT ":float64:",
        `run_uid` binary(16) NOT NULL COMMENT ":uuid:",
        `params` json DEFAULT NULL COMMENT ":json:",
        `volume` json DEFAULT NULL COMMENT ":<zarr@>:plugin codec",
        PRIMARY KEY (`subject_id`,`session_idx`),
        FOREIGN KEY (`subject_id`,`session_idx`) REFERENCES `{db}`.`session` (`subject_id`,`session_idx`) ON UPDATE CASCADE ON DELETE RESTRICT,
        UNIQUE INDEX (`run_uid`)
        ) ENGINE=InnoDB, COMMENT "per-session summary"
        """,
        $"INSERT INTO `{db}`.`~lineage` VALUES ('#species','species','{db}.#species.species'), ('subject','subject_id','{db}.subject.subject_id'), " +
        $"('subject','species','{db}.#species.species'), ('session','subject_id','{db}.subject.subject_id'), ('session','session_idx','{db}.session.session_idx'), " +
        $"('session','helper_id','{db}.subject.subject_id'), ('session__trial','subject_id','{db}.subject.subject_id'), " +
        $"('session__trial','session_idx','{db}.session.session_idx'), ('session__trial','trial','{db}.session__trial.trial'), " +
        $"('__summary','subject_id','{db}.subject.subject_id'), ('__summary','session_idx','{db}.session.session_idx')",
        $"INSERT INTO `{db}`.`#species` VALUES ('mouse', 'Mus musculus'), ('rat', 'Rattus norvegicus')",
        $"INSERT INTO `{db}`.`subject` VALUES (1, 'mouse', 'F', '2024-01-02'), (2, 'rat', 'M', NULL)",
        $"INSERT INTO `{db}`.`session` VALUES (1, 1, '2024-03-01 10:00:00', 2, 'first'), (1, 2, '2024-03-02 10:00:00', NULL, '')",
        // <blob> of a 3-element double row vector (mYm format, uncompressed) and NULL.
        $"INSERT INTO `{db}`.`session__trial` VALUES (1, 1, 1, 1, X'6D596D00410200000000000000010000000000000003000000000000000600000000000000000000000000F03F00000000000000400000000000000840'), (1, 1, 2, 0, NULL)",
        $"INSERT INTO `{db}`.`__summary` VALUES (1, 1, 0.5, X'00112233445566778899AABBCCDDEEFF', '{{\"bin\": 10}}', NULL)",
    ];

    /// <summary>The schema's <c>~lineage</c> table as DataJoint Python creates it (spec §3.4).</summary>
    private static string LineageTable(string db) => $"""
        CREATE TABLE IF NOT EXISTS `{db}`.`~lineage` (
        `table_name` VARCHAR(64) NOT NULL COMMENT "table name within the schema",
        `attribute_name` VARCHAR(64) NOT NULL COMMENT "attribute name",
        `lineage` VARCHAR(255) NOT NULL COMMENT "origin: schema.table.attribute",
        PRIMARY KEY (`table_name`, `attribute_name`)
        ) ENGINE=InnoDB
        """;

    public static async Task CreateAsync(Func<string, Task> exec, string db)
    {
        foreach (var sql in CreateStatements(db)) await exec(sql);
    }

    /// <summary>
    /// A second schema <paramref name="rec"/> referencing <paramref name="lab"/>'s tables, as DataJoint Python declares a
    /// pipeline split over two modules: an Imported table whose parent is <c>lab.Session</c>, and its part, whose
    /// second parent is the part <c>lab.Session.Trial</c>.
    /// </summary>
    public static string[] RecordingStatements(string rec, string lab) =>
    [
        LineageTable(rec),
        $"""
        CREATE TABLE IF NOT EXISTS `{rec}`.`_recording` (
        `subject_id` int NOT NULL COMMENT "lab animal number",
        `session_idx` smallint NOT NULL COMMENT "",
        `rec_id` int NOT NULL COMMENT ":int32:",
        `rig` varchar(16) NOT NULL COMMENT ":varchar(16):",
        PRIMARY KEY (`subject_id`,`session_idx`,`rec_id`),
        FOREIGN KEY (`subject_id`,`session_idx`) REFERENCES `{lab}`.`session` (`subject_id`,`session_idx`) ON UPDATE CASCADE ON DELETE RESTRICT
        ) ENGINE=InnoDB, COMMENT "recordings of a session"
        """,
        $"""
        CREATE TABLE IF NOT EXISTS `{rec}`.`_recording__lick` (
        `subject_id` int NOT NULL COMMENT "lab animal number",
        `session_idx` smallint NOT NULL COMMENT "",
        `rec_id` int NOT NULL COMMENT "",
        `trial` int NOT NULL COMMENT "",
        `lick_count` int NOT NULL COMMENT ":int32:",
        PRIMARY KEY (`subject_id`,`session_idx`,`rec_id`,`trial`),
        FOREIGN KEY (`subject_id`,`session_idx`,`rec_id`) REFERENCES `{rec}`.`_recording` (`subject_id`,`session_idx`,`rec_id`) ON UPDATE CASCADE ON DELETE RESTRICT,
        FOREIGN KEY (`subject_id`,`session_idx`,`trial`) REFERENCES `{lab}`.`session__trial` (`subject_id`,`session_idx`,`trial`) ON UPDATE CASCADE ON DELETE RESTRICT
        ) ENGINE=InnoDB, COMMENT ""
        """,
        $"INSERT INTO `{rec}`.`~lineage` VALUES ('_recording','subject_id','{lab}.subject.subject_id'), ('_recording','session_idx','{lab}.session.session_idx'), " +
        $"('_recording','rec_id','{rec}._recording.rec_id'), ('_recording__lick','subject_id','{lab}.subject.subject_id'), " +
        $"('_recording__lick','session_idx','{lab}.session.session_idx'), ('_recording__lick','rec_id','{rec}._recording.rec_id'), " +
        $"('_recording__lick','trial','{lab}.session__trial.trial')",
        $"INSERT INTO `{rec}`.`_recording` VALUES (1, 1, 7, 'rig-2')",
        $"INSERT INTO `{rec}`.`_recording__lick` VALUES (1, 1, 7, 1, 12), (1, 1, 7, 2, 0)",
    ];
}
