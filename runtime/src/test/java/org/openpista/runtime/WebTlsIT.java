package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/**
 * The web chat over TLS, end to end: {@code tls_self_signed = true} makes {@code web start} generate
 * a certificate for this machine, serve the page over HTTPS and the chat over {@code wss://} with
 * it, and nothing over plain HTTP; a client that trusts that certificate (and only it) chats with
 * the fake model through it.
 */
class WebTlsIT {

    static final String TOKEN = "tls-test-token-0123456789";

    @TempDir
    Path home;

    FakeOpenAiServer fake;
    WebDaemon daemon;

    @AfterEach
    void tearDown() {
        if (daemon != null) {
            daemon.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    @Test
    void aGeneratedCertificateServesThePageAndWssEndToEnd() throws Exception {
        fake = new FakeOpenAiServer();
        int port = WebDaemon.freePort();
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "test-model"
                base_url = "%s"
                api_key = "sk-tls-it"

                [channels.web]
                port = %d
                token = "%s"
                tls_self_signed = true
                """.formatted(fake.baseUrl(), port, TOKEN));
        daemon = WebDaemon.start(home, port, Map.of());
        daemon.awaitOutput("https://127.0.0.1:" + port + "/#token=", Duration.ofSeconds(30));
        daemon.awaitOutput("self-signed certificate, SHA-256 ", Duration.ofSeconds(5));

        // the key store is the owner's only, and the certificate is the one the daemon printed
        Path folder = home.resolve("web-tls");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("self-signed.p12"))))
                .isEqualTo("rw-------");
        KeyStore generated = KeyStore.getInstance("PKCS12");
        String password = Files.readString(folder.resolve("self-signed.pass")).strip();
        try (InputStream in = Files.newInputStream(folder.resolve("self-signed.p12"))) {
            generated.load(in, password.toCharArray());
        }
        X509Certificate certificate = (X509Certificate) generated.getCertificate("openpista");
        String fingerprint = HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        assertThat(daemon.stdout()).contains(fingerprint);
        assertThat(certificate.getSubjectAlternativeNames()).anySatisfy(name -> assertThat(name.get(1)).isEqualTo("127.0.0.1"));
        assertThat(daemon.stdout() + daemon.stderr()).doesNotContain(password);

        // a client trusting exactly this certificate
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("openpista", certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        HttpClient https = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();

        HttpResponse<String> page = awaitPage(https, URI.create("https://127.0.0.1:" + port + "/"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("openpista");

        // a client trusting the usual authorities refuses it, and plain HTTP is not served
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.io.IOException.class);

        // wss:// end to end: authenticate, send, get the model's answer
        fake.enqueue(FakeReply.text("Hello over TLS."));
        try (WebChatIT.Client client = WebChatIT.Client.connect(https,
                URI.create("wss://127.0.0.1:" + port + "/ws?token=" + TOKEN + "&client_id=phone"))) {
            JsonNode auth = client.next("auth_result");
            assertThat(auth.path("success").asBoolean()).isTrue();
            client.send(WebChatIT.JSON.createObjectNode().put("type", "message").put("content", "hi over wss")
                    .put("message_id", "t-1"));
            assertThat(client.next("message_ack").path("message_id").asText()).isEqualTo("t-1");
            assertThat(client.next("response").path("content").asText()).isEqualTo("Hello over TLS.");
        }
        assertThat(fake.lastRequest().body()).contains("hi over wss");

        // a restart keeps the certificate: a phone that trusted it once still does
        daemon.close();
        daemon = WebDaemon.start(home, port, Map.of());
        daemon.awaitOutput(fingerprint, Duration.ofSeconds(30));
        assertThat(awaitPage(https, URI.create("https://127.0.0.1:" + port + "/health")).statusCode()).isEqualTo(200);
    }

    /** @return the first answer once the server listens (the URL line may come a moment before) */
    static HttpResponse<String> awaitPage(HttpClient client, URI uri) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (java.net.ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
