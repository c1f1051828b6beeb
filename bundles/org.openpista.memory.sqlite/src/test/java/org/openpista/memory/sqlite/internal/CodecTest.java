package org.openpista.memory.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;

/** The timestamp columns: our fixed-width format read on its short path, others as before. */
class CodecTest {

    @Test
    void ourStampsReadBackExactly() {
        for (String text : new String[] {"1970-01-01T00:00:00Z", "2024-02-29T23:59:59.999999999Z",
                "2026-12-31T12:34:56.000000001Z", "1969-12-31T23:59:59.5Z", "9999-12-31T23:59:59.999999999Z",
                "2000-03-01T00:00:00.123456789Z"}) {
            Instant instant = Instant.parse(text);
            String stored = Codec.formatInstant(instant);

            assertThat(stored).hasSize(30);
            assertThat(Codec.parseInstant(stored)).as(stored).isEqualTo(instant);
        }
    }

    @Test
    void otherFormsAreReadAsBefore() {
        // the Rust openpista's RFC 3339 with an offset, and an instant with fewer fraction digits
        assertThat(Codec.parseInstant("2025-01-02T03:04:05.678+02:00"))
                .isEqualTo(Instant.parse("2025-01-02T01:04:05.678Z"));
        assertThat(Codec.parseInstant("2025-01-02T03:04:05Z")).isEqualTo(Instant.parse("2025-01-02T03:04:05Z"));
        assertThat(Codec.parseInstant("+10000-01-01T00:00:00.000000000Z"))
                .isEqualTo(Instant.parse("+10000-01-01T00:00:00Z"));
    }

    @Test
    void aDamagedStampOfOurWidthIsRefusedAsBefore() {
        for (String text : new String[] {"2025-02-30T00:00:00.000000000Z", "2025-13-01T00:00:00.000000000Z",
                "2025-01-01T00:60:00.000000000Z", "2025-01-0xT00:00:00.000000000Z",
                "2025-01-01T00:00:00.00000000aZ"}) {
            assertThatThrownBy(() -> Codec.parseInstant(text)).as(text).isInstanceOf(DateTimeParseException.class);
        }
    }
}
