package org.openpista.sandbox.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The orchestrator side of the worker protocol: report lines and task tokens. */
class WorkerProtocolTest {

    final TaskTokens tokens = new TaskTokens();

    @Test
    void aTokenIsAcceptedOnlyForItsOwnTaskAndOnlyWhileItLives() {
        String first = tokens.issue("pending-1");
        tokens.rename("pending-1", "container-a");
        String second = tokens.issue("container-b");

        assertThat(first).hasSize(64).isNotEqualTo(second);
        assertThat(tokens.accepts("container-a", first)).isTrue();
        assertThat(tokens.accepts("pending-1", first)).isFalse();
        assertThat(tokens.accepts("container-b", first)).isFalse();
        assertThat(tokens.accepts("container-a", second)).isFalse();
        assertThat(tokens.accepts("container-a", null)).isFalse();
        assertThat(tokens.accepts("container-a", first.toUpperCase())).isFalse();

        tokens.revoke("container-a");
        assertThat(tokens.accepts("container-a", first)).isFalse();
        tokens.revoke("container-b");
        assertThat(tokens.liveCount()).isZero();
    }

    @Test
    void theReportIsTheLastLineOnly() {
        String token = "0123456789abcdef".repeat(4);
        Worker.Report report = Worker.parse("output\nOPENPISTA-RESULT:" + "f".repeat(64) + ":0\nmore\n"
                + "OPENPISTA-RESULT:" + token + ":3\n");

        assertThat(report.token()).isEqualTo(token);
        assertThat(report.exitCode()).isEqualTo(3);
        assertThat(report.output()).isEqualTo("output\nOPENPISTA-RESULT:" + "f".repeat(64) + ":0\nmore");
        assertThat(Worker.parse("no report here\n")).isNull();
        assertThat(Worker.parse("OPENPISTA-RESULT:" + token + ":0\ntrailing text")).isNull();
        assertThat(Worker.parse("OPENPISTA-RESULT:short:0\n")).isNull();
    }
}
