package org.openpista.provider.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;

class HttpFailuresTest {

    private final AtomicReference<String> secret = new AtomicReference<>("sk-secret-1234");
    private final HttpFailures failures = new HttpFailures("api.example.test:8443", "Example at api.example.test:8443", secret::get);
    private final Duration timeout = Duration.ofSeconds(7);

    @Test
    void namesTheHostAndSaysWhatWentWrongOnTheWire() {
        assertThat(failures.io(new HttpConnectTimeoutException("x"), timeout))
                .extracting(ProviderException::kind, Throwable::getMessage)
                .containsExactly(Kind.TIMEOUT, "could not connect to api.example.test:8443 within 7 s");
        assertThat(failures.io(new HttpTimeoutException("x"), timeout).getMessage())
                .isEqualTo("no answer from api.example.test:8443 within 7 s");
        assertThat(failures.io(new ConnectException(), timeout))
                .extracting(ProviderException::kind, Throwable::getMessage)
                .containsExactly(Kind.NETWORK, "cannot reach Example at api.example.test:8443: connection refused");
        assertThat(failures.io(new UnknownHostException("api.example.test"), timeout).getMessage())
                .isEqualTo("cannot reach Example at api.example.test:8443: unknown host");
        assertThat(failures.io(new SSLHandshakeException("PKIX path\nbuilding failed"), timeout).getMessage())
                .isEqualTo("TLS failure talking to api.example.test:8443: PKIX path building failed");
        assertThat(failures.io(new IOException(), timeout).getMessage())
                .isEqualTo("connection to api.example.test:8443 failed: IOException");
    }

    @Test
    void aConnectionClosedBeforeTheAnswerIsToldFromOtherFailures() {
        assertThat(HttpFailures.closedBeforeAnswering(new java.io.IOException("HTTP/1.1 header parser received no bytes",
                new java.io.EOFException("EOF reached while reading")))).isTrue();
        assertThat(HttpFailures.closedBeforeAnswering(new java.io.IOException("wrapped",
                new java.io.IOException("HTTP/1.1 header parser received no bytes")))).isTrue();
        assertThat(HttpFailures.closedBeforeAnswering(new java.io.IOException("Connection reset"))).isFalse();
        assertThat(HttpFailures.closedBeforeAnswering(null)).isFalse();
    }

    @Test
    void tellsAServerThatNeverAnsweredFromAStreamThatWentQuiet() {
        assertThat(failures.timeout(Duration.ofMillis(300)).getMessage()).isEqualTo("no answer from api.example.test:8443 within 300 ms");
        assertThat(failures.stalled(timeout))
                .extracting(ProviderException::kind, Throwable::getMessage)
                .containsExactly(Kind.TIMEOUT, "api.example.test:8443 sent nothing for 7 s");
    }

    @Test
    void reportsBrokenAnswersCancellationAndGivingUp() {
        ProviderException malformed = failures.malformed("no\ncontent", null);
        ProviderException last = new ProviderException(Kind.SERVER, 529, "529 overloaded_error", null);

        assertThat(malformed.kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
        assertThat(malformed.getMessage()).isEqualTo("malformed answer from api.example.test:8443: no content");
        assertThat(failures.cancelled(false).getMessage()).isEqualTo("the request was cancelled");
        assertThat(failures.cancelled(true).getMessage()).isEqualTo("the request was interrupted");
        assertThat(failures.gaveUp(last, 3))
                .extracting(ProviderException::kind, ProviderException::httpStatus, Throwable::getMessage)
                .containsExactly(Kind.SERVER, 529, "529 overloaded_error (gave up after 4 attempts)");
    }

    @Test
    void blotsOutTheSecretOfTheRequestInFlight() {
        assertThat(failures.clean("bad key sk-secret-1234!")).isEqualTo("bad key ***!");
        secret.set("tok-5678");
        assertThat(failures.io(new IOException("echo tok-5678"), timeout).getMessage()).doesNotContain("tok-5678");
    }

    @Test
    void keepsMessagesOnOneBoundedLine() {
        assertThat(HttpFailures.oneLine("<html>\n<body>Bad gateway</body>\n</html>", null))
                .isEqualTo("<html> <body>Bad gateway</body> </html>");
        assertThat(HttpFailures.oneLine("x".repeat(1000), "")).hasSize(HttpFailures.MAX_MESSAGE + 1).endsWith("…");
        assertThat(HttpFailures.oneLine(null, "abcd")).isEmpty();
        assertThat(HttpFailures.oneLine("abc stays", "abc")).as("too short to be a secret").isEqualTo("abc stays");
    }
}
