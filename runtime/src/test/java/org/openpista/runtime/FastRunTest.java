package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The fast path must read every argument list it accepts exactly as picocli does. */
class FastRunTest {

    static List<Arguments> accepted() {
        return java.util.stream.Stream.of(
                new String[] {"run", "-e", "hi"},
                new String[] {"run", "--exec", "what is up?"},
                new String[] {"run", "--exec=a=b"},
                new String[] {"run", "-e", "hi", "-s", "work"},
                new String[] {"run", "-s", "work", "-e", "hi"},
                new String[] {"run", "--session=work", "-e", "hi"},
                new String[] {"--home", "/tmp/h", "run", "-e", "hi"},
                new String[] {"--home=/tmp/h", "--config", "/tmp/c.toml", "run", "-e", "hi"},
                new String[] {"--log-level", "debug", "--debug", "run", "-e", "x"},
                new String[] {"run", "-e", "x", "--home", "/tmp/after"},
                new String[] {"run", "-e", ""},
                new String[] {"run", "--local", "-e", "hi"},
                new String[] {"run", "-e", "hi", "--no-daemon"})
                .map(args -> Arguments.of((Object) args))
                .toList();
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void readsLikePicocli(String[] args) {
        RunCommand fast = FastRun.parse(args);
        assertThat(fast).as(String.join(" ", args)).isNotNull();

        CommandLine commandLine = new CommandLine(new Main());
        ParseResult parsed = commandLine.parseArgs(args);
        Main main = (Main) parsed.commandSpec().userObject();
        RunCommand run = (RunCommand) parsed.subcommand().commandSpec().userObject();

        assertThat(fast.prompt).isEqualTo(run.prompt);
        assertThat(fast.session).isEqualTo(run.session);
        assertThat(fast.local).isEqualTo(run.local);
        assertThat(fast.main.home).isEqualTo(main.home);
        assertThat(fast.main.config).isEqualTo(main.config);
        assertThat(fast.main.logLevel).isEqualTo(main.logLevel);
        assertThat(fast.main.debug).isEqualTo(main.debug);
    }

    @Test
    void leavesEverythingElseToPicocli() {
        for (String[] args : List.of(
                new String[] {},
                new String[] {"run"},
                new String[] {"run", "--help"},
                new String[] {"run", "-e"},
                new String[] {"run", "-e", "a", "-e", "b"},
                new String[] {"run", "-ehi"},
                new String[] {"run", "-e", "-x"},
                new String[] {"run", "-e", "hi", "--frobnicate"},
                new String[] {"--version"},
                new String[] {"start"},
                new String[] {"run", "-e", "hi", "extra"},
                new String[] {"--local", "run", "-e", "hi"},
                new String[] {"--home", "/a", "run", "-e", "hi", "--home", "/b"},
                new String[] {"--config", "a\0b", "run", "-e", "hi"})) {
            assertThat(FastRun.parse(args)).as(String.join(" ", args)).isNull();
        }
    }
}
