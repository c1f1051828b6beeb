package org.openpista.cron.internal;

import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A cron schedule: five fields ({@code minute hour day-of-month month day-of-week}), or six with
 * seconds first as the original openpista's scheduler wrote them, or a macro ({@code @hourly},
 * {@code @daily}, {@code @midnight}, {@code @weekly}, {@code @monthly}, {@code @yearly},
 * {@code @annually}). Fields take {@code *}, {@code ?}, numbers, names ({@code JAN}, {@code MON}),
 * ranges, lists and steps ({@code *}{@code /15}, {@code 1-5}, {@code 0,30}, {@code 10-50/10}).
 * Sunday is 0 or 7. As in classic cron, when both day fields are restricted a day matching either
 * one matches.
 */
final class CronExpression {

    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 0 1 1 *",
            "@annually", "0 0 0 1 1 *",
            "@monthly", "0 0 0 1 * *",
            "@weekly", "0 0 0 * * 0",
            "@daily", "0 0 0 * * *",
            "@midnight", "0 0 0 * * *",
            "@hourly", "0 0 * * * *");

    private static final List<String> MONTHS =
            List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    /** Schedules with no time in this many years (30 February) have no next run. */
    private static final int HORIZON_YEARS = 8;

    private final String text;
    private final BitSet seconds;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean anyDayOfMonth;
    private final boolean anyDayOfWeek;

    private CronExpression(String text, String[] fields) {
        this.text = text;
        this.seconds = field(fields[0], "second", 0, 59, List.of());
        this.minutes = field(fields[1], "minute", 0, 59, List.of());
        this.hours = field(fields[2], "hour", 0, 23, List.of());
        this.daysOfMonth = field(fields[3], "day of month", 1, 31, List.of());
        this.months = field(fields[4], "month", 1, 12, MONTHS);
        BitSet dow = field(fields[5], "day of week", 0, 7, DAYS);
        if (dow.get(7)) {
            dow.set(0);
            dow.clear(7);
        }
        this.daysOfWeek = dow;
        this.anyDayOfMonth = isAny(fields[3]);
        this.anyDayOfWeek = isAny(fields[5]);
    }

    /**
     * @param expression the schedule
     * @return the parsed schedule
     * @throws IllegalArgumentException with a one-line reason when it is not valid
     */
    static CronExpression parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("the schedule is empty");
        }
        String text = expression.strip();
        String expanded = text.startsWith("@") ? MACROS.get(text.toLowerCase(Locale.ROOT)) : text;
        if (expanded == null) {
            throw new IllegalArgumentException("unknown schedule macro " + text + " (known: " + String.join(", ",
                    MACROS.keySet().stream().sorted().toList()) + ")");
        }
        String[] fields = expanded.split("\\s+");
        if (fields.length == 5) {
            String[] withSeconds = new String[6];
            withSeconds[0] = "0";
            System.arraycopy(fields, 0, withSeconds, 1, 5);
            fields = withSeconds;
        } else if (fields.length != 6) {
            throw new IllegalArgumentException("\"" + text + "\" has " + fields.length + " fields; a schedule has 5 "
                    + "(minute hour day month weekday) or 6 (with seconds first), e.g. \"0 9 * * MON-FRI\"");
        }
        return new CronExpression(text, fields);
    }

    /**
     * @param after a moment
     * @return the first moment strictly after it that the schedule names, or {@code null} when
     *     there is none in the next years
     */
    ZonedDateTime next(ZonedDateTime after) {
        ZonedDateTime time = after.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        int lastYear = after.getYear() + HORIZON_YEARS;
        while (time.getYear() <= lastYear) {
            if (!months.get(time.getMonthValue())) {
                time = time.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
                continue;
            }
            if (!dayMatches(time)) {
                time = time.truncatedTo(ChronoUnit.DAYS).plusDays(1);
                continue;
            }
            if (!hours.get(time.getHour())) {
                time = time.truncatedTo(ChronoUnit.HOURS).plusHours(1);
                continue;
            }
            if (!minutes.get(time.getMinute())) {
                time = time.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
                continue;
            }
            int second = seconds.nextSetBit(time.getSecond());
            if (second < 0) {
                time = time.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
                continue;
            }
            return time.withSecond(second);
        }
        return null;
    }

    private boolean dayMatches(ZonedDateTime time) {
        boolean dom = daysOfMonth.get(time.getDayOfMonth());
        boolean dow = daysOfWeek.get(time.getDayOfWeek().getValue() % 7);
        if (anyDayOfMonth || anyDayOfWeek) {
            return dom && dow;
        }
        return dom || dow;
    }

    @Override
    public String toString() {
        return text;
    }

    private static boolean isAny(String field) {
        return field.equals("*") || field.equals("?");
    }

    private static BitSet field(String field, String name, int min, int max, List<String> names) {
        BitSet bits = new BitSet(max + 1);
        for (String part : field.split(",", -1)) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("empty entry in the " + name + " field \"" + field + "\"");
            }
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(part.substring(slash + 1), name, 1, max - min + 1, List.of());
            }
            int from;
            int to;
            if (range.equals("*") || range.equals("?")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", -1);
                if (ends.length != 2) {
                    throw new IllegalArgumentException("bad range \"" + range + "\" in the " + name + " field");
                }
                from = number(ends[0], name, min, max, names);
                to = number(ends[1], name, min, max, names);
                if (to < from) {
                    throw new IllegalArgumentException("the range \"" + range + "\" in the " + name + " field runs backwards");
                }
            } else {
                from = number(range, name, min, max, names);
                to = slash >= 0 ? max : from;
            }
            for (int value = from; value <= to; value += step) {
                bits.set(value);
            }
        }
        return bits;
    }

    private static int number(String text, String name, int min, int max, List<String> names) {
        int index = names.indexOf(text.toUpperCase(Locale.ROOT));
        if (index >= 0) {
            return index + (names.size() == 12 ? 1 : 0);
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a valid " + name
                    + (names.isEmpty() ? "" : " (use " + min + "-" + max + " or " + names.get(0) + "-" + names.get(names.size() - 1) + ")"));
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " " + value + " is out of range " + min + "-" + max);
        }
        return value;
    }
}
