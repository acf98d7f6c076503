using DataJoint.Settings;

namespace DataJoint.Integration.Tests.Connection;

/// <summary>
/// TLS off / preferred / required against a MariaDB of the test's own (a temp data folder on a free port), configured
/// with certificates made in the test. The shared server is not touched.
/// </summary>
[TestFixture]
[NonParallelizable]
public class TlsTests
{
    private OwnMariaDb _db = null!;
    private TestCertificates _certs = null!;
    private TestCertificates _otherCa = null!;

    [OneTimeSetUp]
    public async Task StartServerWithoutTlsFirst()
    {
        await TestServices.RequireDatabaseAsync(); // CI fails here, locally skips, when MariaDB is not installed/started
        _db = await OwnMariaDb.CreateAsync();
        _certs = TestCertificates.Write(_db.Folder);
        _otherCa = TestCertificates.Write(_db.Folder, "other-");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_db is not null) await _db.DisposeAsync();
    }

    private ConnectionSettings Settings(string user = "root") => new() { Host = "127.0.0.1", Port = _db.Port, User = user, Password = "" };

    private static async Task<string> CipherAsync(DataJointConnection connection)
    {
        await using var conn = await connection.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SHOW SESSION STATUS LIKE 'Ssl_cipher'";
        await using var r = await cmd.ExecuteReaderAsync();
        return await r.ReadAsync() ? r.GetString(1) : "";
    }

    [Test]
    public async Task RequiredFailsClearlyWhenTheServerHasNoTls()
    {
        await _db.StartAsync();
        await _db.ExecuteAsync("CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1'");
        try
        {
            // Preferred (the default) connects in the clear; required refuses, saying why.
            Assert.That(await CipherAsync(new DataJointConnection(Settings())), Is.Empty);
            var required = new DataJointConnection(Settings() with { Tls = TlsMode.Required });
            var ex = await Assert.ThrowsAsync<DatabaseException>(() => required.OpenAsync());
            Assert.That(ex!.IsTransient, Is.False, "a configuration mismatch, not worth retrying");
            Assert.That(ex!.Message, Does.Contain("database.use_tls requires TLS, but the server does not offer TLS")
                .And.Contain($"127.0.0.1:{_db.Port}"));
        }
        finally
        {
            await _db.StopAsync();
        }
    }

    [Test]
    public async Task RequiredWithCaAndClientCertificateFromDatajointJson()
    {
        await _db.StartAsync("--ssl-ca=" + _certs.CaFile, "--ssl-cert=" + _certs.ServerCertFile, "--ssl-key=" + _certs.ServerKeyFile);
        // A user that the server admits only with a client certificate signed by the CA.
        await _db.ExecuteAsync("CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1'");
        await _db.ExecuteAsync("CREATE USER IF NOT EXISTS 'lab'@'127.0.0.1' REQUIRE X509; GRANT SELECT ON *.* TO 'lab'@'127.0.0.1'");

        var project = Directory.CreateTempSubdirectory("djnet-tls-project-");
        try
        {
            Directory.CreateDirectory(Path.Combine(project.FullName, ".git"));
            File.WriteAllText(Path.Combine(project.FullName, "datajoint.json"), $$"""
                { "database": { "host": "127.0.0.1", "port": {{_db.Port}}, "user": "lab",
                                "use_tls": { "ca": "{{_certs.CaFile}}", "cert": "{{_certs.ClientCertFile}}", "key": "{{_certs.ClientKeyFile}}",
                                             "check_hostname": true } } }
                """);
            var settings = DataJointSettings.Load(project.FullName, _ => null, "/nonexistent");
            Assert.That(settings.Database.Tls, Is.EqualTo(TlsMode.Required));
            var connection = DataJointConnection.FromSettings(settings);
            Assert.That(await CipherAsync(connection), Is.Not.Empty, "the session is encrypted");

            // The same user without the client certificate is refused by the server: the certificate was really sent.
            var noClientCert = new DataJointConnection(settings.Database with { TlsCertFile = null, TlsKeyFile = null });
            var refused = await Assert.ThrowsAsync<AccessDeniedException>(() => noClientCert.OpenAsync());
            Assert.That(refused!.Message, Does.Contain("Cannot connect").And.Contain("lab@127.0.0.1"));

            // A CA that did not sign the server's certificate: the handshake fails and the message says where to look.
            var wrongCa = new DataJointConnection(settings.Database with { TlsCaFile = _otherCa.CaFile });
            var untrusted = await Assert.ThrowsAsync<DatabaseException>(() => wrongCa.OpenAsync());
            Assert.That(untrusted!.IsTransient, Is.False);
            Assert.That(untrusted!.Message, Does.Contain("TLS handshake failed"));

            // Required without a CA file encrypts without checking the chain; off never encrypts.
            Assert.That(await CipherAsync(new DataJointConnection(Settings() with { Tls = TlsMode.Required })), Is.Not.Empty);
            Assert.That(await CipherAsync(new DataJointConnection(Settings() with { Tls = TlsMode.Off })), Is.Empty);
            Assert.That(await CipherAsync(new DataJointConnection(Settings())), Is.Not.Empty, "preferred uses TLS when offered");
        }
        finally
        {
            project.Delete(true);
            await _db.StopAsync();
        }
    }
}
