using DataJoint.Dialects;

namespace DataJoint.Runtime.Tests.Query;

/// <summary>
/// The SQL text of composite queries, written out by hand (issue #14's golden test). The shapes are DataJoint Python's
/// (spec §7): joins <c>JOIN ... USING (...)</c> on namesakes, restriction by a query <c>(a,b) IN (SELECT a,b ...)</c>,
/// aggregation <c>LEFT JOIN ... GROUP BY</c>, <c>U</c> as <c>SELECT DISTINCT</c>, union as <c>(...) UNION (...)</c>, a
/// <c>Top</c> as <c>ORDER BY ... LIMIT</c>, derived tables <c>(SELECT ...) AS `$n`</c>. Where the text differs from
/// Python's, the comment says why (values are parameters here; Python inlines them).
/// </summary>
public class GoldenSqlTests
{
    private static readonly DataJointConnection Connection = new(new ConnectionSettings());

    private static HeadingAttribute Attr(string table, string name, string sqlType, string marker, bool pk, string? lineage,
        bool nullable = false) =>
        HeadingAttribute.FromColumn("`lab`.`" + table + "`", name, sqlType, nullable, null, "", marker, pk) with { Lineage = lineage };

    private static Table Table(string name, params HeadingAttribute[] attributes) =>
        new(Connection, MySqlDialect.MariaDb, "lab", name, new Heading(attributes, lineageAvailable: true));

    // person(person_id) --- name
    private static readonly Table Person = Table("person",
        Attr("person", "person_id", "int", ":int32:", true, "lab.person.person_id"),
        Attr("person", "name", "varchar(32)", ":varchar(32):", false, null));

    // subject(subject_id) --- species, sex, -> [nullable] Person.proj(handler_id='person_id')
    private static readonly Table Subject = Table("subject",
        Attr("subject", "subject_id", "int", ":int32:", true, "lab.subject.subject_id"),
        Attr("subject", "species", "varchar(32)", ":varchar(32):", false, null),
        Attr("subject", "sex", "enum('F','M')", ":enum('F','M'):", false, null),
        Attr("subject", "handler_id", "int", "", false, "lab.person.person_id", nullable: true));

    // session(-> Subject, session_idx) --- quality
    private static readonly Table Session = Table("session",
        Attr("session", "subject_id", "int", "", true, "lab.subject.subject_id"),
        Attr("session", "session_idx", "smallint", ":int16:", true, "lab.session.session_idx"),
        Attr("session", "quality", "double", ":float64:", false, null, nullable: true));

    private const string SubjectColumns = "`subject_id`,`species`,`sex`,`handler_id`";
    private const string SessionThenSubject = "`subject_id`,`session_idx`,`quality`,`species`,`sex`,`handler_id`";

    [Test]
    public void Join_DeterminingOperandFirst_OnUsing()
    {
        // Session determines Subject (Subject's key is in Session): Session's key and attributes come first.
        Assert.That((Session * Subject).ToSql(), Is.EqualTo(
            $"SELECT {SessionThenSubject} FROM `lab`.`session` JOIN `lab`.`subject` USING (`subject_id`)"));
        Assert.That((Subject * Session).ToSql(), Is.EqualTo(
            $"SELECT {SessionThenSubject} FROM `lab`.`subject` JOIN `lab`.`session` USING (`subject_id`)"));
        Assert.That((Subject * Session).PrimaryKey, Is.EqualTo(new[] { "subject_id", "session_idx" }));
    }

    [Test]
    public void JoinAlongRenamedForeignKey_IsACrossProduct()
    {
        // handler_id is not a namesake of person_id: nothing to join on.
        Assert.That((Subject * Person).ToSql(), Is.EqualTo(
            $"SELECT `subject_id`,`person_id`,`species`,`sex`,`handler_id`,`name` FROM `lab`.`subject` CROSS JOIN `lab`.`person`"));
    }

    [Test]
    public void SemiJoinAndAntiJoin()
    {
        Assert.That((Subject & Session).ToSql(), Is.EqualTo(
            $"SELECT {SubjectColumns} FROM `lab`.`subject` WHERE (`subject_id` IN (SELECT `subject_id` FROM `lab`.`session`))"));
        Assert.That((Subject - Session).ToSql(), Is.EqualTo(
            $"SELECT {SubjectColumns} FROM `lab`.`subject` WHERE (NOT (`subject_id` IN (SELECT `subject_id` FROM `lab`.`session`)))"));
    }

    [Test]
    public void AntiJoin_LeavesNullsOutOfTheSubquery_OnARenamedProjection()
    {
        // A restriction of renamed attributes applies to a derived table; handler_id is nullable in subject, and a NULL
        // in a NOT IN subquery would empty the result (Python's text has no IS NOT NULL).
        Assert.That((Person.Proj("handler_id=person_id") - Subject).ToSql(), Is.EqualTo(
            "SELECT `handler_id` FROM (SELECT `person_id` AS `handler_id` FROM `lab`.`person`) AS `$0` " +
            "WHERE (NOT (`handler_id` IN (SELECT `handler_id` FROM `lab`.`subject` WHERE (`handler_id` IS NOT NULL))))"));
    }

    [Test]
    public void Aggregation_LeftJoinGroupBy()
    {
        Assert.That(Subject.Aggr(Session, "n=count(session_idx)", "best=max(quality)").ToSql(), Is.EqualTo(
            "SELECT `subject_id`,(count(session_idx)) AS `n`,(max(quality)) AS `best` " +
            "FROM `lab`.`subject` LEFT JOIN `lab`.`session` USING (`subject_id`) GROUP BY `subject_id`"));
        Assert.That(Subject.Aggr(Session, excludeNonmatching: true, "n=count(*)").ToSql(), Is.EqualTo(
            "SELECT `subject_id`,(count(*)) AS `n` FROM `lab`.`subject` JOIN `lab`.`session` USING (`subject_id`) GROUP BY `subject_id`"));
    }

    [Test]
    public void Aggregation_OfARestrictedGroup_KeepsTheRestrictionInside()
    {
        // Python puts the restriction in the outer WHERE, which drops the subjects without such sessions.
        Assert.That(Subject.Aggr(Session & "quality > 0.6", "n=count(session_idx)").ToSql(), Is.EqualTo(
            "SELECT `subject_id`,(count(session_idx)) AS `n` FROM `lab`.`subject` " +
            "LEFT JOIN (SELECT `subject_id`,`session_idx`,`quality` FROM `lab`.`session` WHERE (quality > 0.6)) AS `$0` " +
            "USING (`subject_id`) GROUP BY `subject_id`"));
    }

    [Test]
    public void Aggregation_KeepingAttributes_GroupsByThem_AndRestrictsWithHaving()
    {
        // Under ONLY_FULL_GROUP_BY (MariaDB) kept attributes must be grouped; Python groups by the key only (error 1055).
        var q = Subject.Aggr(Session, "...", "n=count(session_idx)") & "n > 1";
        Assert.That(q.ToSql(), Is.EqualTo(
            $"SELECT {SubjectColumns},(count(session_idx)) AS `n` FROM `lab`.`subject` LEFT JOIN `lab`.`session` USING (`subject_id`) " +
            "GROUP BY `subject_id`,`species`,`sex`,`handler_id` HAVING (n > 1)"));
    }

    [Test]
    public void UniversalSet_DistinctAndAggregate()
    {
        Assert.That((new U("species") & Subject).ToSql(), Is.EqualTo("SELECT DISTINCT `species` FROM `lab`.`subject`"));
        Assert.That(new U("species").Aggr(Subject, "n=count(*)").ToSql(), Is.EqualTo(
            "SELECT `species`,(count(*)) AS `n` FROM `lab`.`subject` GROUP BY `species`"));
        Assert.That(new U().Aggr(Session & new { subject_id = 1 }, "n=count(*)").ToSql(), Is.EqualTo(
            "SELECT (count(*)) AS `n` FROM `lab`.`session` WHERE (`subject_id`=?)"));
    }

    [Test]
    public void Union_OfKeys()
    {
        Assert.That(((Subject & "species='rat'").Proj() + (Subject & "sex='F'").Proj()).ToSql(), Is.EqualTo(
            "SELECT `subject_id` FROM ((SELECT `subject_id` FROM `lab`.`subject` WHERE (species='rat')) UNION " +
            "(SELECT `subject_id` FROM `lab`.`subject` WHERE (sex='F'))) AS `$0`"));
    }

    [Test]
    public void Union_WithDisjointSecondaries_IsAnOuterJoin()
    {
        var a = (Subject & "subject_id <= 2").Proj("species");
        var b = (Subject & "subject_id >= 2").Proj("sex");
        Assert.That((a + b).ToSql(), Is.EqualTo(
            "SELECT `subject_id`,`species`,`sex` FROM ((" +
            "SELECT `subject_id`,`species`,`sex` FROM (SELECT `subject_id`,`species` FROM `lab`.`subject` WHERE (subject_id <= 2)) AS `$0` " +
            "LEFT JOIN (SELECT `subject_id`,`sex` FROM `lab`.`subject` WHERE (subject_id >= 2)) AS `$1` USING (`subject_id`)) UNION (" +
            "SELECT `subject_id`,(NULL) AS `species`,`sex` FROM `lab`.`subject` WHERE (subject_id >= 2) AND " +
            "(NOT (`subject_id` IN (SELECT `subject_id` FROM `lab`.`subject` WHERE (subject_id <= 2)))))) AS `$2`"));
    }

    [Test]
    public void Top_InsideJoinsAndSemiJoins_IsADerivedTable()
    {
        Assert.That((Subject & new Top(2, "subject_id DESC")).ToSql(), Is.EqualTo(
            $"SELECT {SubjectColumns} FROM `lab`.`subject` ORDER BY `subject_id` DESC LIMIT 2"));
        // Python loses a Top inside a join, and its Top in an IN subquery fails on MariaDB (error 1235).
        Assert.That(((Subject & new Top(2)) * Session).ToSql(), Is.EqualTo(
            $"SELECT {SessionThenSubject} FROM (SELECT {SubjectColumns} FROM `lab`.`subject` ORDER BY `subject_id` LIMIT 2) AS `$0` " +
            "JOIN `lab`.`session` USING (`subject_id`)"));
        Assert.That((Session & (Subject & new Top(1))).ToSql(), Is.EqualTo(
            "SELECT `subject_id`,`session_idx`,`quality` FROM `lab`.`session` WHERE (`subject_id` IN (SELECT `subject_id` FROM " +
            $"(SELECT {SubjectColumns} FROM `lab`.`subject` ORDER BY `subject_id` LIMIT 1) AS `$0`))"));
    }

    [Test]
    public void TwoTops_NarrowOneWindow_OrNest()
    {
        // Rows 2.. of the first three: one row (Python merges them into LIMIT 2 OFFSET 2, two rows).
        var narrowed = Subject & new Top(3) & new Top(2) { OrderBy = null, Offset = 2 };
        Assert.That(narrowed.ToSql(), Is.EqualTo($"SELECT {SubjectColumns} FROM `lab`.`subject` ORDER BY `subject_id` LIMIT 1 OFFSET 2"));
        var nested = Subject & new Top(3) & new Top(1, "species");
        Assert.That(nested.ToSql(), Is.EqualTo(
            $"SELECT {SubjectColumns} FROM (SELECT {SubjectColumns} FROM `lab`.`subject` ORDER BY `subject_id` LIMIT 3) AS `$0` " +
            "ORDER BY `species` LIMIT 1"));
    }

    [Test]
    public void FetchOptions_AreATop_ShownByToSql()
    {
        // A limit without an order takes the primary key order, as in Python.
        Assert.That(Session.ToSql(new FetchOptions { Limit = 2, Attributes = ["quality"] }), Is.EqualTo(
            "SELECT `quality` FROM `lab`.`session` ORDER BY `subject_id`,`session_idx` LIMIT 2"));
        Assert.That(Session.ToSql(new FetchOptions { OrderBy = ["KEY DESC"], Offset = 1, Limit = 5 }), Is.EqualTo(
            "SELECT `subject_id`,`session_idx`,`quality` FROM `lab`.`session` ORDER BY `subject_id` DESC,`session_idx` DESC LIMIT 5 OFFSET 1"));
    }

    [Test]
    public void Extend_IsALeftJoinOnARenamedForeignKey()
    {
        Assert.That(Subject.Extend(Person.Proj("handler_id=person_id", "name")).ToSql(), Is.EqualTo(
            $"SELECT {SubjectColumns},`name` FROM `lab`.`subject` LEFT JOIN (SELECT `person_id` AS `handler_id`,`name` FROM `lab`.`person`) AS `$0` " +
            "USING (`handler_id`)"));
    }

    [Test]
    public void AggregationJoinedAndRestricted()
    {
        var counts = Subject.Aggr(Session, "n=count(session_idx)");
        Assert.That((Session * counts & new { n = 2 }).ToSql(), Is.EqualTo(
            "SELECT `subject_id`,`session_idx`,`quality`,`n` FROM `lab`.`session` JOIN (SELECT `subject_id`,(count(session_idx)) AS `n` " +
            "FROM `lab`.`subject` LEFT JOIN `lab`.`session` USING (`subject_id`) GROUP BY `subject_id`) AS `$0` USING (`subject_id`) " +
            "WHERE (`n`=?)"));
    }
}
