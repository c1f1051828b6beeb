package org.openpista.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.config.ConfigurationLoader;
import picocli.CommandLine;

/**
 * {@code openpista model MODEL} writes {@code [agent] model} through the file editor and the file
 * then loads with that model; the command line tells a model from the {@code list} and {@code test}
 * verbs. (Listing, testing and a running daemon need providers and a daemon: ResponsesAndModelIT.)
 */
class ModelCommandTest {

    @TempDir
    Path tmp;

    Path file;
    final Map<String, String> env = new HashMap<>();
    ConfigLoader configLoader;
    ModelCommand command;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** The service view of the real loader, as the configuration bundle's component gives it. */
    final class Loader implements ConfigurationLoader {
        ConfigReport last;

        @Override
        public Path home() {
            return configLoader.locations().home();
        }

        @Override
        public Path configFile() {
            return configLoader.locations().file();
        }

        @Override
        public ConfigReport load() throws ConfigException {
            last = configLoader.load();
            return last;
        }

        @Override
        public ConfigReport report() {
            return last;
        }

        @Override
        public void override(String section, String key, Object value) {
            configLoader.override(section, key, value);
        }

        @Override
        public Optional<String> environmentOf(String section, String key) {
            return configLoader.environmentOf(section, key);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        Path user = Files.createDirectories(tmp.resolve("user"));
        Path home = Files.createDirectories(user.resolve(".openpista"));
        file = home.resolve("config.toml");
        Files.writeString(file, """
                # my settings
                [agent]
                provider = "openai"   # the one I pay for
                model = "gpt-4o"
                api_key = "sk-file-1"

                [channels.web]
                enabled = false
                """);
        configLoader = new ConfigLoader(new Locations(home, file, user), env::get, TestCatalog::standard,
                new ConfigLoaderTest.MapSink());
        command = new ModelCommand(null, null, new Loader(), new ConfigFileEditorComponent(file));
    }

    int use(String model) throws IOException {
        return command.use(model, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                StandardCharsets.UTF_8));
    }

    @Test
    void aModelNameIsWrittenToTheAgentTableAndLoadsFromThere() throws Exception {
        int status = use("gpt-4.1");

        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Set [agent] model = \"gpt-4.1\" in " + file)
                .contains("No daemon is running; openpista uses it from the next start.");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(Files.readString(file)).contains("# my settings", "provider = \"openai\"   # the one I pay for",
                "model = \"gpt-4.1\"", "[channels.web]").doesNotContain("gpt-4o");
        assertThat(configLoader.load().model()).isEqualTo("gpt-4.1");
    }

    @Test
    void aNameThatNeedsQuotingStaysOneValue() throws Exception {
        use("org/model \"large\":v2");

        assertThat(configLoader.load().model()).isEqualTo("org/model \"large\":v2");
    }

    @Test
    void theEnvironmentVariableThatWinsIsNamed() throws Exception {
        env.put("OPENPISTA_MODEL", "from-env");

        use("gpt-4.1");

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("OPENPISTA_MODEL is set in the environment and wins over"
                + " config.toml");
        assertThat(configLoader.load().model()).isEqualTo("from-env");
    }

    @Test
    void theVerbsAreNotTakenForModelNames() {
        CommandLine line = new CommandLine(command);

        assertThat(line.parseArgs("list", "--provider", "anthropic").subcommand().commandSpec().name()).isEqualTo("list");
        assertThat(line.parseArgs("test", "gpt-9").subcommand().commandSpec().name()).isEqualTo("test");
        assertThat(new CommandLine(command).parseArgs("gpt-4.1").subcommand()).isNull();
        assertThat(command.model).isEqualTo("gpt-4.1");
    }

    @Test
    void summariesAreWholeSentencesAndParagraphsWrapWhereLinesAreFull() {
        CommandLine line = new CommandLine(command);
        int width = line.getCommandSpec().usageMessage().width() - 1;
        for (CommandLine each : java.util.List.of(line, line.getSubcommands().get("list"), line.getSubcommands().get("test"))) {
            assertThat(each.getCommandSpec().usageMessage().description()[0]).matches("[A-Z].*\\.");
            for (String paragraph : each.getHelp().description().split("\n\n")) {
                String[] lines = paragraph.strip().split("\n");
                for (int i = 0; i + 1 < lines.length; i++) {
                    assertThat(lines[i].length() + 1 + lines[i + 1].strip().split(" ")[0].length()).as(lines[i])
                            .isGreaterThan(width);
                }
            }
        }
    }
}
