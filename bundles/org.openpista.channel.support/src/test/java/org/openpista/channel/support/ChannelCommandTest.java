package org.openpista.channel.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigFileEditor;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.config.ConfigurationLoader;

/** The mechanics a channel's command inherits: what it tells, what it loads and what it saves, in its own table. */
class ChannelCommandTest {

    @TempDir
    Path home;

    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    final Loader loader = new Loader();
    final SavedSettings editor = new SavedSettings(() -> home.resolve("config.toml"));

    /** A channel's command as the channel bundles write it: its id, its table, its settings. */
    static final class EchoCommand extends ChannelCommand<String> {
        EchoCommand(ConfigurationLoader loader, ConfigFileEditor editor, String settings) {
            super("echo", "channels.echo", null, loader, editor, settings);
        }

        void modified(String changed) {
            settings(changed);
        }
    }

    EchoCommand command(String settings) {
        return new EchoCommand(loader, editor, settings);
    }

    @Test
    void theSettingsAreTheLatestTheConfigurationGave() {
        EchoCommand command = command("first");
        assertThat(command.settings()).isEqualTo("first");
        command.modified("loaded again");
        assertThat(command.settings()).isEqualTo("loaded again");
        assertThat(command.loader()).isSameAs(loader);
        assertThat(command.editor()).isSameAs(editor);
    }

    @Test
    void aSecretComesFromItsEnvironmentVariableElseTheFile() {
        loader.environment.put("channels.echo token", "ECHO_TOKEN");
        assertThat(command("s").source("token")).isEqualTo("ECHO_TOKEN");
        assertThat(command("s").source("app_token")).isEqualTo("config.toml");
    }

    @Test
    void startRunsOnlyWhereTheLauncherIs() {
        EchoCommand command = command("s");
        command.launcher = (channels, onReady) -> 0;
        assertThat(command.fromCommandLine(err)).isTrue();
        assertThat(command.launcher()).isSameAs(command.launcher);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(command("s").fromCommandLine(err)).isFalse();
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).isEqualTo("openpista: echo start runs only from the command line\n");
    }

    @Test
    void secretsForThisRunAreOverriddenInTheChannelsTableAndLoaded() throws InterruptedException {
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("bot_token", "b");
        tokens.put("app_token", "a");
        assertThat(command("s").useForThisRun(tokens, EchoCommand.class, ".bot.token", "b", err))
                .isEqualTo(ChannelCommand.OK);
        assertThat(loader.overrides).containsExactly("channels.echo bot_token=b", "channels.echo app_token=a");
        assertThat(loader.loads).isEqualTo(1);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aConfigurationThatNoLongerLoadsIsAUsageError() throws InterruptedException {
        loader.problem = "token: not a token";
        assertThat(command("s").useForThisRun(Map.of("token", "x"), EchoCommand.class, ".token", "x", err))
                .isEqualTo(ChannelCommand.USAGE);
        assertThat(errBytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("openpista: " + home.resolve("config.toml") + ": token: not a token\n");
    }

    @Test
    void aChannelThatIsOffSaysWhyWithoutTheParentheses() {
        assertThat(command("s").canRun(null, err)).isTrue();
        assertThat(command("s").canRun("off (no token)", err)).isFalse();
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).isEqualTo("openpista: echo: no token\n");
    }

    @Test
    void setupSavesInTheChannelsTable() {
        Path file = command("s").save(Map.of("enabled", true), "the bot @echo is", err);
        assertThat(file).isEqualTo(home.resolve("config.toml"));
        assertThat(editor.saved).containsExactly(Map.entry("channels.echo enabled", "true"));
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aFileThatCannotBeWrittenIsToldWithWhatWasFine() {
        editor.problem = "disk full";
        assertThat(command("s").save(Map.of("enabled", true), "the bot @echo is", err)).isNull();
        assertThat(errBytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("openpista: the bot @echo is fine, but config.toml cannot be written: disk full\n");
    }

    /** The configuration bundle's loader as a command sees it: overrides, loads and the environment's names. */
    final class Loader implements ConfigurationLoader {
        final List<String> overrides = new ArrayList<>();
        final Map<String, String> environment = new LinkedHashMap<>();
        int loads;
        String problem;

        @Override
        public Path home() {
            return home;
        }

        @Override
        public Path configFile() {
            return home.resolve("config.toml");
        }

        @Override
        public ConfigReport load() throws ConfigException {
            loads++;
            if (problem != null) {
                int colon = problem.indexOf(": ");
                throw new ConfigException(configFile(), 0, problem.substring(0, colon), problem.substring(colon + 2));
            }
            return report();
        }

        @Override
        public ConfigReport report() {
            return new ConfigReport(configFile(), true, "p", "m", null, List.of());
        }

        @Override
        public void override(String section, String key, Object value) {
            overrides.add(section + " " + key + "=" + value);
        }

        @Override
        public Optional<String> environmentOf(String section, String key) {
            return Optional.ofNullable(environment.get(section + " " + key));
        }
    }
}
