package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The global options before a bundle's command word must be read exactly as picocli reads them. */
class GlobalOptionsTest {

    static List<List<String>> plainForms() {
        return List.of(List.of(),
                List.of("--home", "/tmp/h", "--config", "/tmp/h/c.toml", "--log-level", "debug", "--debug"),
                List.of("--home=/tmp/h", "--config=/tmp/c.toml", "--log-level=warn"),
                List.of("--debug", "--home", "relative/home"),
                List.of("-s", "work", "--home", "/tmp/h"),
                List.of("--session=work"),
                List.of("--session", "a=b"),
                List.of("--log-level", "nonsense"));
    }

    @ParameterizedTest
    @MethodSource("plainForms")
    void readsThePlainFormsLikePicocli(List<String> args) {
        Main plain = GlobalOptions.read(args);
        assertThat(plain).as(args.toString()).isNotNull();

        Main parsed = new Main();
        new CommandLine(parsed).setUnmatchedArgumentsAllowed(true).parseArgs(args.toArray(new String[0]));
        assertThat(plain.home).isEqualTo(parsed.home);
        assertThat(plain.config).isEqualTo(parsed.config);
        assertThat(plain.logLevel).isEqualTo(parsed.logLevel);
        assertThat(plain.debug).isEqualTo(parsed.debug);
        assertThat(plain.session).isEqualTo(parsed.session);
    }

    @Test
    void leavesEverythingElseToPicocli() {
        for (List<String> args : List.of(List.of("--home"), List.of("--home", "/a", "--home", "/b"), List.of("--debug", "--debug"),
                List.of("--home", "--debug"), List.of("--home="), List.of("--home", "@file"), List.of("@args"),
                List.of("--frobnicate"), List.of("-V"), List.of("--version"), List.of("-s"), List.of("-swork"),
                List.of("-s=work"), List.of("--home", "run"), List.of("--config", "a\0b"), List.of("--"),
                List.of("--debug=true"), List.of("--log-level", "info", "--log-level", "debug"))) {
            assertThat(GlobalOptions.read(args)).as(args.toString()).isNull();
        }
    }

    @Test
    void findsTheCommandWordPastTheOptionValues() {
        assertThat(Main.commandIndex(new String[] {"--home", "start", "--debug", "start", "-f"})).isEqualTo(3);
        assertThat(Main.commandIndex(new String[] {"--debug"})).isEqualTo(-1);
        assertThat(Main.commandIndex(new String[] {"start", "--detached"})).isZero();
    }
}
