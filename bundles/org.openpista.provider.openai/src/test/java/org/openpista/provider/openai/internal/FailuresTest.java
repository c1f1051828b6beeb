package org.openpista.provider.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;

/** The provider's wording of statuses, stream errors and exchange failures. */
class FailuresTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Failures failures = new Failures(new Settings("t", "openai", "", "sk-secret-key", "", 3, null, true));

    @Test
    void namesTheVendorAndItsHostInTheFailuresOfTheExchange() {
        Failures custom = new Failures(new Settings("t", "custom", "http://10.0.0.5:8000/v1", "", "m", 3, null, true));

        assertThat(failures.http().timeout(Duration.ofSeconds(5)).getMessage())
                .isEqualTo("no answer from OpenAI at api.openai.com:443 within 5 s");
        assertThat(custom.http().stalled(Duration.ofMillis(250)).getMessage()).isEqualTo("10.0.0.5:8000 sent nothing for 250 ms");
    }

    @Test
    void mapsStatusesToKindsWithWhatToCheck() {
        assertThat(failures.status(403, "{\"error\":{\"message\":\"Project not allowed\"}}"))
                .extracting(ProviderException::kind, Throwable::getMessage)
                .containsExactly(Kind.AUTHENTICATION, "OpenAI refused access (403): Project not allowed; check OPENAI_API_KEY or [agent] api_key");
        assertThat(failures.status(429, "").kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failures.status(529, "<html>busy</html>").getMessage()).isEqualTo("OpenAI failed with a server error (529): <html>busy</html>");
        assertThat(failures.status(408, "{\"detail\":\"slow\"}").kind()).isEqualTo(Kind.TIMEOUT);
    }

    @Test
    void readsAnErrorInsideAStreamAsRetryableOnlyWhenTheServerFailed() throws Exception {
        ProviderException server = failures.streamError(JSON.readTree("{\"message\":\"overloaded\",\"type\":\"server_error\",\"code\":null}"));
        ProviderException request = failures.streamError(JSON.readTree("{\"message\":\"too long\",\"code\":\"context_length_exceeded\"}"));

        assertThat(server.isRetryable()).isTrue();
        assertThat(server.getMessage()).isEqualTo("OpenAI failed with a server error (500): overloaded");
        assertThat(request.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(request.getMessage()).isEqualTo("OpenAI refused the request (400): too long");
    }

    @Test
    void quotesVendorTextOnOneLineWithoutTheKey() {
        assertThat(failures.detail("{\"error\":{\"message\":\"bad\\nkey sk-secret-key\"}}")).isEqualTo("bad key ***");
        assertThat(failures.clean("x".repeat(400))).hasSize(301).endsWith("…");
        assertThat(failures.malformed("cut\noff", null).getMessage())
                .isEqualTo("OpenAI sent an answer that is not a valid chat completion: cut off");
    }
}
