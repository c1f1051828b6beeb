package org.openpista.doctor.internal;

import java.util.List;
import org.openpista.api.channel.TerminalText;
import org.openpista.api.doctor.DoctorCheck.CheckResult;
import org.openpista.api.doctor.DoctorCheck.Status;

/**
 * The doctor's output: one line per result ({@code ✔}, {@code ✘}, {@code !} for a warning, {@code
 * -} for a skipped check) with the area, and the fix indented under every problem; a closing line
 * that counts them. Text from checks may quote a server's error, so it goes through {@link
 * TerminalText#safe}.
 */
final class DoctorReport {

    private final StringBuilder text = new StringBuilder();
    private int failures;
    private int warnings;
    private int passed;

    void add(String area, List<CheckResult> results) {
        for (CheckResult result : results) {
            text.append(symbol(result.status())).append(' ').append(TerminalText.safe(area)).append(": ")
                    .append(TerminalText.safe(result.title())).append('\n');
            if (!result.fix().isEmpty() && (result.status() == Status.FAIL || result.status() == Status.WARN)) {
                text.append("    fix: ").append(TerminalText.safe(result.fix())).append('\n');
            }
            switch (result.status()) {
                case FAIL -> failures++;
                case WARN -> warnings++;
                case OK -> passed++;
                default -> { }
            }
        }
    }

    static String symbol(Status status) {
        return switch (status) {
            case OK -> "✔";
            case FAIL -> "✘";
            case WARN -> "!";
            case SKIPPED -> "-";
        };
    }

    boolean failed() {
        return failures > 0;
    }

    String render() {
        String summary = failures > 0
                ? failures + " problem" + (failures == 1 ? "" : "s") + " to fix"
                : "no problems";
        return text + "\n" + summary + (warnings > 0 ? ", " + warnings + " warning" + (warnings == 1 ? "" : "s") : "")
                + ", " + passed + " check" + (passed == 1 ? "" : "s") + " passed\n";
    }
}
