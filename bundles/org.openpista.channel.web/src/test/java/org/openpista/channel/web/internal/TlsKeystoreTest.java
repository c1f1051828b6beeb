package org.openpista.channel.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsKeystoreTest {

    @TempDir
    Path home;

    static KeyStore load(TlsKeystore keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore.file())) {
            store.load(in, keystore.password().toCharArray());
        }
        return store;
    }

    static String pem(String kind, byte[] der) {
        return "-----BEGIN " + kind + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + kind + "-----\n";
    }

    @Test
    void aSelfSignedCertificateIsGeneratedOnceOwnerOnlyForTheGivenNames() throws Exception {
        TlsKeystore first = TlsKeystore.selfSigned(home, List.of("localhost", "127.0.0.1", "::1", "pista.lan"));

        KeyStore store = load(first);
        java.security.cert.X509Certificate certificate = (java.security.cert.X509Certificate) store.getCertificate("openpista");
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=openpista");
        assertThat(certificate.getSubjectAlternativeNames()).extracting(name -> String.valueOf(name.get(1)))
                .contains("localhost", "127.0.0.1", "pista.lan");
        assertThat(store.getKey("openpista", first.password().toCharArray())).isInstanceOf(PrivateKey.class);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("web-tls")))).isEqualTo("rwx------");
        assertThat(first.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");

        TlsKeystore again = TlsKeystore.selfSigned(home, List.of("localhost"));
        assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
    }

    @Test
    void pemCertificateAndPkcs8OrRsaKeysBecomeTheServedKeyStore() throws Exception {
        TlsKeystore generated = TlsKeystore.selfSigned(home.resolve("source"), List.of("localhost"));
        KeyStore source = load(generated);
        Certificate certificate = source.getCertificate("openpista");
        PrivateKey key = (PrivateKey) source.getKey("openpista", generated.password().toCharArray());
        Path cert = Files.writeString(home.resolve("fullchain.pem"), pem("CERTIFICATE", certificate.getEncoded()));
        Path keyFile = Files.writeString(home.resolve("privkey.pem"), pem("PRIVATE KEY", key.getEncoded()));

        TlsKeystore served = TlsKeystore.fromPem(home, cert, keyFile);

        assertThat(load(served).getCertificate("openpista")).isEqualTo(certificate);
        assertThat(served.fingerprint()).isEqualTo(generated.fingerprint());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(served.file()))).isEqualTo("rw-------");

        // an RSA key in PKCS#1 ("BEGIN RSA PRIVATE KEY", as older openssl writes it) is read too
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        byte[] pkcs8 = rsa.getPrivate().getEncoded();
        byte[] pkcs1 = java.util.Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
        assertThat(TlsKeystore.pkcs1ToPkcs8(pkcs1)).isEqualTo(pkcs8);
    }

    @Test
    void missingOrWrongFilesAreRefusedWithTheirNames() throws Exception {
        Path cert = Files.writeString(home.resolve("cert.pem"), "not a certificate");
        Path key = Files.writeString(home.resolve("key.pem"), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> TlsKeystore.fromPem(home, cert, key)).isInstanceOf(IOException.class)
                .hasMessageContaining("tls_cert " + cert);
        assertThatThrownBy(() -> WebTls.of("", key.toString(), false).keystore(home, "127.0.0.1"))
                .hasMessage("[channels.web] tls_cert and tls_key go together: set both, or neither");
        TlsKeystore generated = TlsKeystore.selfSigned(home.resolve("source"), List.of("localhost"));
        Certificate certificate = load(generated).getCertificate("openpista");
        Files.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()));
        assertThatThrownBy(() -> TlsKeystore.fromPem(home, cert, key)).hasMessageContaining("is encrypted");
    }
}
