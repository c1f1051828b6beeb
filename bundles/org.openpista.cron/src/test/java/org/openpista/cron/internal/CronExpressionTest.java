package org.openpista.cron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class CronExpressionTest {

    static final ZoneId UTC = ZoneId.of("UTC");
    static final ZonedDateTime MONDAY_NOON = ZonedDateTime.of(2026, 3, 2, 12, 0, 0, 0, UTC);

    static ZonedDateTime next(String expression, ZonedDateTime after) {
        return CronExpression.parse(expression).next(after);
    }

    @Test
    void fiveFieldsStartAtSecondZero() {
        assertThat(next("0 9 * * *", MONDAY_NOON)).isEqualTo(MONDAY_NOON.plusDays(1).withHour(9));
        assertThat(next("*/15 * * * *", MONDAY_NOON)).isEqualTo(MONDAY_NOON.withMinute(15));
    }

    @Test
    void sixFieldsHaveSecondsFirst() {
        assertThat(next("*/2 * * * * *", MONDAY_NOON)).isEqualTo(MONDAY_NOON.withSecond(2));
        assertThat(next("30 0 12 * * *", MONDAY_NOON)).isEqualTo(MONDAY_NOON.withSecond(30));
    }

    @Test
    void nextIsStrictlyAfter() {
        assertThat(next("0 12 * * *", MONDAY_NOON)).isEqualTo(MONDAY_NOON.plusDays(1));
    }

    @Test
    void namesRangesListsAndSteps() {
        // Monday noon: the next weekday at 09:00 is Tuesday
        assertThat(next("0 9 * * MON-FRI", MONDAY_NOON)).isEqualTo(MONDAY_NOON.plusDays(1).withHour(9));
        assertThat(next("0 9 * * sat,sun", MONDAY_NOON)).isEqualTo(MONDAY_NOON.plusDays(5).withHour(9));
        assertThat(next("0 0 1 JAN *", MONDAY_NOON)).isEqualTo(ZonedDateTime.of(2027, 1, 1, 0, 0, 0, 0, UTC));
        assertThat(next("10-50/20 * * * *", MONDAY_NOON)).isEqualTo(MONDAY_NOON.withMinute(10));
        assertThat(next("0 0 * * 7", MONDAY_NOON)).isEqualTo(MONDAY_NOON.plusDays(6).withHour(0));
    }

    @Test
    void restrictedDayOfMonthAndWeekdayMatchEither() {
        // the 15th or any Friday, whichever comes first: Friday 6 March
        assertThat(next("0 8 15 * FRI", MONDAY_NOON)).isEqualTo(ZonedDateTime.of(2026, 3, 6, 8, 0, 0, 0, UTC));
    }

    @Test
    void macros() {
        assertThat(next("@hourly", MONDAY_NOON)).isEqualTo(MONDAY_NOON.plusHours(1));
        assertThat(next("@daily", MONDAY_NOON)).isEqualTo(MONDAY_NOON.plusDays(1).withHour(0));
        assertThat(next("@monthly", MONDAY_NOON)).isEqualTo(ZonedDateTime.of(2026, 4, 1, 0, 0, 0, 0, UTC));
    }

    @Test
    void impossibleDatesHaveNoNextRun() {
        assertThat(next("0 0 30 2 *", MONDAY_NOON)).isNull();
    }

    @Test
    void daylightSavingGapIsSkippedNotRepeated() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        // 29 March 2026: 02:00-03:00 does not exist in Berlin
        ZonedDateTime before = ZonedDateTime.of(2026, 3, 29, 1, 30, 0, 0, berlin);
        ZonedDateTime next = next("0 * * * *", before);
        assertThat(next.getHour()).isEqualTo(3);
        assertThat(next.toInstant()).isAfter(before.toInstant());
    }

    @Test
    void badExpressionsSayWhatIsWrong() {
        assertThatThrownBy(() -> CronExpression.parse("* * *")).hasMessageContaining("3 fields");
        assertThatThrownBy(() -> CronExpression.parse("61 * * * *")).hasMessageContaining("minute 61 is out of range 0-59");
        assertThatThrownBy(() -> CronExpression.parse("0 9 * * FUNDAY")).hasMessageContaining("not a valid day of week");
        assertThatThrownBy(() -> CronExpression.parse("0 9-5 * * *")).hasMessageContaining("runs backwards");
        assertThatThrownBy(() -> CronExpression.parse("@often")).hasMessageContaining("unknown schedule macro");
        assertThatThrownBy(() -> CronExpression.parse(" ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> CronExpression.parse("*/0 * * * *")).hasMessageContaining("out of range");
    }
}
