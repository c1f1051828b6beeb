package org.openpista.provider.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;

/** The provider's own wording of the failures the shared retrier makes. */
class FailuresTest {

    private final Failures failures = new Failures(new Settings("t", "openai", "", "sk-secret-key", "", 3, null, true));

    @Test
    void countsRetriesWhenGivingUp() {
        ProviderException last = new ProviderException(Kind.RATE_LIMITED, 429, "failed", null);

        ProviderException twice = failures.gaveUp(last, 2);
        ProviderException once = failures.gaveUp(last, 1);

        assertThat(twice.getMessage()).isEqualTo("failed (gave up after 2 retries)");
        assertThat(twice.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(twice.httpStatus()).isEqualTo(429);
        assertThat(once.getMessage()).isEqualTo("failed (gave up after 1 retry)");
    }

    @Test
    void namesTheVendorWhenCancelled() {
        assertThat(failures.cancelled(false).getMessage()).isEqualTo("The request to OpenAI was cancelled");
        assertThat(failures.cancelled(true).getMessage()).isEqualTo("The request to OpenAI was interrupted");
        assertThat(failures.cancelled(true).kind()).isEqualTo(Kind.CANCELLED);
    }

    @Test
    void quotesVendorTextOnOneLineWithoutTheKey() {
        assertThat(failures.detail("{\"error\":{\"message\":\"bad\\nkey sk-secret-key\"}}")).isEqualTo("bad key ***");
        assertThat(failures.clean("x".repeat(400))).hasSize(301).endsWith("…");
    }
}
