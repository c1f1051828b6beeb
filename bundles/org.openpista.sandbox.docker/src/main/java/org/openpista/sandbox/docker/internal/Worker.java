package org.openpista.sandbox.docker.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The worker inside a container: a POSIX shell script injected next to the task's files. It reads
 * its task token from a file and deletes the file before the task starts (so the task cannot read
 * it there), runs the task with its input on stdin under the image's {@code timeout} when there is
 * one (so a container whose orchestrator died still ends), and reports the task's exit code in a
 * last line that carries the token: {@code OPENPISTA-RESULT:<token>:<code>}. The orchestrator
 * accepts the result only with that line and the container's live token.
 */
final class Worker {

    /** The folder inside the working directory that holds the worker's own files. */
    static final String DIR = ".openpista";
    static final String SCRIPT = DIR + "/worker.sh";
    static final String TOKEN = DIR + "/token";
    static final String INPUT = DIR + "/input";

    private static final Pattern TRAILER = Pattern.compile("\\n?OPENPISTA-RESULT:([0-9a-f]{64}):(-?[0-9]{1,5})\\n?$");

    /** The script; $1 is the time limit in seconds, the rest is the task's command. */
    static final String SCRIPT_TEXT = """
            #!/bin/sh
            # openpista sandbox worker: the task token is read once and its file removed before the task runs
            t=$(cat "$PWD/%1$s" 2>/dev/null)
            rm -f "$PWD/%1$s"
            [ -n "$t" ] || { echo "openpista worker: no task token" >&2; exit 125; }
            limit=$1
            shift
            if command -v timeout >/dev/null 2>&1; then
                timeout -s KILL "$limit" "$@" < "$PWD/%2$s"
            else
                "$@" < "$PWD/%2$s"
            fi
            code=$?
            printf '\\nOPENPISTA-RESULT:%%s:%%d\\n' "$t" "$code"
            exit "$code"
            """.formatted(TOKEN, INPUT);

    /** What the worker reported. */
    record Report(String token, int exitCode, String output) {}

    private Worker() {}

    /**
     * @param stdout the container's whole stdout (its head and its tail at least)
     * @return the report, or {@code null} when the last line is not a worker report
     */
    static Report parse(String stdout) {
        Matcher matcher = TRAILER.matcher(stdout);
        if (!matcher.find()) {
            return null;
        }
        return new Report(matcher.group(1), Integer.parseInt(matcher.group(2)), stdout.substring(0, matcher.start()));
    }
}
