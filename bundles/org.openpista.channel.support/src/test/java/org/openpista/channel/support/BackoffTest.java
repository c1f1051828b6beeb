package org.openpista.channel.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesUpToTheCapThenStaysThereUntilReset() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3));
        assertThat(backoff.nextMillis()).isEqualTo(500);
        assertThat(backoff.nextMillis()).isEqualTo(1000);
        assertThat(backoff.nextMillis()).isEqualTo(2000);
        assertThat(backoff.nextMillis()).isEqualTo(3000);
        assertThat(backoff.nextMillis()).isEqualTo(3000);
        backoff.reset();
        assertThat(backoff.nextMillis()).isEqualTo(500);
    }
}
