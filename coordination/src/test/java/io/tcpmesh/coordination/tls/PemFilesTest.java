package io.tcpmesh.coordination.tls;

import io.tcpmesh.coordination.testing.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PEM files as openssl writes them, and the errors for the ones tcpmesh cannot use: each names the file. */
class PemFilesTest {
    @TempDir
    static Path dir;
    static TestCertificates certs;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create(dir);
    }

    @Test
    void readsAChainLeafFirstAndAPkcs8Key() {
        assertThat(PemFiles.certificates(certs.serverChain())).hasSize(2)
                .first().satisfies(c -> assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=localhost"));
        assertThat(PemFiles.privateKey(certs.serverKey()).getAlgorithm()).isEqualTo("EC");
        assertThat(TlsContexts.server(new TlsServerConfig(certs.serverChain(), certs.serverKey()).withClientCa(certs.ca()))).isNotNull();
    }

    @Test
    void refusesKeysItCannotReadWithTheCommandThatConverts() throws Exception {
        Path pkcs1 = Files.writeString(dir.resolve("rsa.key"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        Path encrypted = Files.writeString(dir.resolve("enc.key"), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemFiles.privateKey(pkcs1)).hasMessageStartingWith(pkcs1 + ": RSA PRIVATE KEY is not PKCS#8")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        assertThatThrownBy(() -> PemFiles.privateKey(encrypted)).hasMessageStartingWith(encrypted + ": the key is encrypted");
        assertThatThrownBy(() -> PemFiles.privateKey(certs.serverChain())).hasMessageStartingWith(certs.serverChain() + ": no PKCS#8 PEM private key");
    }

    @Test
    void refusesMissingGarbledAndMismatchedFiles() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello\n");
        Path badBase64 = Files.writeString(dir.resolve("bad.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> PemFiles.certificates(dir.resolve("nope.pem"))).hasMessage(dir.resolve("nope.pem") + ": no such file");
        assertThatThrownBy(() -> PemFiles.certificates(garbage)).hasMessageStartingWith(garbage + ": no PEM certificate");
        assertThatThrownBy(() -> PemFiles.certificates(badBase64)).hasMessageStartingWith(badBase64 + ":");
        assertThatThrownBy(() -> TlsContexts.server(new TlsServerConfig(certs.serverChain(), certs.clientKey())))
                .hasMessageStartingWith(certs.clientKey() + ": the key does not belong to the certificate CN=localhost");
    }

    @Test
    void clientConfigNeedsExactlyOneWayToTrust() {
        assertThatThrownBy(() -> new TlsClientConfig(Optional.empty(), false, Optional.empty(), Optional.empty()))
                .hasMessageContaining("--tls-ca FILE").hasMessageContaining("--tls-insecure");
        assertThatThrownBy(() -> new TlsClientConfig(Optional.of(certs.ca()), true, Optional.empty(), Optional.empty()))
                .hasMessageContaining("exclude each other");
        TlsClientOptions caWithoutTls = new TlsClientOptions();
        caWithoutTls.ca = certs.ca();
        assertThatThrownBy(caWithoutTls::config).hasMessage("--tls-ca needs --tls");
    }
}
