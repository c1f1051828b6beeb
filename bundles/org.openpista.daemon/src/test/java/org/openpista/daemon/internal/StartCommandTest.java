package org.openpista.daemon.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** {@code start}'s own reading of its plain forms must be picocli's, and leave everything else to picocli. */
class StartCommandTest {

    static List<List<String>> plainForms() {
        return List.of(List.of(), List.of("--foreground"), List.of("-f"), List.of("--detached"),
                List.of("--foreground", "--detached"), List.of("--detached", "-f"));
    }

    @ParameterizedTest
    @MethodSource("plainForms")
    void readsThePlainFormsLikePicocli(List<String> args) {
        StartCommand plain = new StartCommand(null, null, null);
        assertThat(plain.plain(args)).as(args.toString()).isSameAs(plain);

        StartCommand parsed = new StartCommand(null, null, null);
        new CommandLine(parsed).parseArgs(args.toArray(new String[0]));
        assertThat(plain.foreground).as(args.toString()).isEqualTo(parsed.foreground);
        assertThat(plain.detached).as(args.toString()).isEqualTo(parsed.detached);
    }

    @Test
    void leavesHelpAndErrorsToPicocli() {
        for (List<String> args : List.of(List.of("--help"), List.of("-h"), List.of("-V"), List.of("-f", "--help"),
                List.of("-f", "-f"), List.of("-f", "--foreground"), List.of("--detached", "--detached"),
                List.of("--frobnicate"), List.of("extra"), List.of("-fh"), List.of("--foreground=true"),
                List.of("--debug", "-f"), List.of("--", "-f"), List.of("@args"))) {
            assertThat(new StartCommand(null, null, null).plain(args)).as(args.toString()).isNull();
        }
        // picocli refuses the repeated ones: the launcher then reports its usage error as ever
        assertThatThrownBy(() -> new CommandLine(new StartCommand(null, null, null)).parseArgs("-f", "--foreground"))
                .isInstanceOf(CommandLine.OverwrittenOptionException.class);
    }
}
