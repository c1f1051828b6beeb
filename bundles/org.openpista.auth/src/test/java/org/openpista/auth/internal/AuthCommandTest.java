package org.openpista.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The help of {@code openpista auth}: summaries that stand alone, paragraphs wrapped only where a line is full. */
class AuthCommandTest {

    final CommandLine auth = new CommandLine(new AuthCommand(null, null, null));

    static List<CommandLine> everyCommand(CommandLine command) {
        List<CommandLine> all = new ArrayList<>(List.of(command));
        command.getSubcommands().values().forEach(sub -> all.addAll(everyCommand(sub)));
        return all;
    }

    @Test
    void everySummaryIsAWholeSentence() {
        for (CommandLine command : everyCommand(auth)) {
            String summary = command.getCommandSpec().usageMessage().description()[0];
            assertThat(summary).as(command.getCommandName()).matches("[A-Z].*[.)]");
        }
        assertThat(auth.getCommandSpec().usageMessage().description()[0])
                .as("what openpista --help lists for auth").doesNotContain("device code");
    }

    @Test
    void paragraphsAreWrappedOnlyWhereTheNextWordWouldNotFit() {
        // picocli keeps the last column free
        int width = auth.getCommandSpec().usageMessage().width() - 1;
        for (CommandLine command : everyCommand(auth)) {
            String description = command.getHelp().description();
            for (String paragraph : description.split("\n\n")) {
                String[] lines = paragraph.strip().split("\n");
                for (int i = 0; i + 1 < lines.length; i++) {
                    String nextWord = lines[i + 1].strip().split(" ")[0];
                    assertThat(lines[i].length() + 1 + nextWord.length()).as(command.getCommandName() + ": " + lines[i])
                            .isGreaterThan(width);
                }
            }
            for (String option : command.getHelp().optionList().split("\n")) {
                assertThat(option.length()).as(option).isLessThanOrEqualTo(width);
            }
        }
        assertThat(auth.getHelp().description().replace("\n", " ")).contains("a device code (GitHub Copilot) or an API key.");
    }

    @Test
    void providersAreFoundByTheNamesPeopleUse() {
        List<org.openpista.api.auth.ProviderAuthStatus> providers = Catalog.ENTRIES.stream()
                .map(entry -> new org.openpista.api.auth.ProviderAuthStatus(entry.name(), entry.displayName(), entry.mode(), false,
                        true, null, "", null, ""))
                .toList();

        assertThat(AuthCommand.find(providers, "Claude").name()).isEqualTo("anthropic");
        assertThat(AuthCommand.find(providers, "copilot").name()).isEqualTo("github-copilot");
        assertThat(AuthCommand.find(providers, "responses").name()).isEqualTo("openai");
        assertThat(AuthCommand.find(providers, "nobody")).isNull();
        assertThat(AuthCommand.how(AuthCommand.find(providers, "github-copilot"))).isEqualTo("device code");
        assertThat(AuthCommand.how(AuthCommand.find(providers, "anthropic"))).isEqualTo("browser login or key");
    }
}
