package org.openpista.api.sandbox;

import java.time.Duration;

/**
 * What a sandboxed run produced.
 *
 * @param exitCode the exit code, or -1 when the run was killed
 * @param stdout standard output (or the wasm JSON output), cut at the output limit with a marker
 * @param stderr standard error, cut likewise
 * @param timedOut whether the time limit ended the run
 * @param killedReason why the sandbox killed the run (time, memory), empty otherwise
 * @param elapsed how long the run took
 */
public record SandboxResult(
        int exitCode, String stdout, String stderr, boolean timedOut, String killedReason, Duration elapsed) {

    /** @return whether the run ended by itself with exit code 0 */
    public boolean succeeded() {
        return exitCode == 0 && !timedOut && (killedReason == null || killedReason.isEmpty());
    }
}
