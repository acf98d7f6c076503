using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DataJoint.Integration.Tests.Connection;

/// <summary>A certificate authority, a server certificate for 127.0.0.1 and a client certificate, made in the test and written as PEM files.</summary>
internal sealed record TestCertificates(string CaFile, string ServerCertFile, string ServerKeyFile, string ClientCertFile, string ClientKeyFile)
{
    public static TestCertificates Write(string folder, string prefix = "")
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=DataJoint test CA " + prefix, caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        (string Cert, string Key) Issue(string name, bool server)
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, false));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
                [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
            if (server)
            {
                var san = new SubjectAlternativeNameBuilder();
                san.AddIpAddress(IPAddress.Loopback);
                san.AddDnsName("localhost");
                request.CertificateExtensions.Add(san.Build());
            }
            var serial = RandomNumberGenerator.GetBytes(12);
            serial[0] &= 0x7f;
            using var cert = request.Create(ca, now.AddDays(-1), now.AddDays(29), serial);
            var certFile = Path.Combine(folder, $"{prefix}{name}-cert.pem");
            var keyFile = Path.Combine(folder, $"{prefix}{name}-key.pem");
            File.WriteAllText(certFile, cert.ExportCertificatePem() + "\n");
            File.WriteAllText(keyFile, key.ExportRSAPrivateKeyPem() + "\n");
            return (certFile, keyFile);
        }

        var caFile = Path.Combine(folder, prefix + "ca.pem");
        File.WriteAllText(caFile, ca.ExportCertificatePem() + "\n");
        var (serverCert, serverKey) = Issue("server", server: true);
        var (clientCert, clientKey) = Issue("client", server: false);
        return new TestCertificates(caFile, serverCert, serverKey, clientCert, clientKey);
    }
}
